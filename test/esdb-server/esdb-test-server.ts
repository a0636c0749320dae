import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  AllStreamPosition,
  MaximumAppendSizeExceeded,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { type BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { CuttableProxy } from './cuttable-proxy';
import { InMemoryLog, type AppendOutcome, type Expected, type ProposedEvent, type StoredEvent } from './in-memory-log';

type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;
type AppendCall = grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>;

const SERVER_VERSION = '23.10.0';
/** The server's search window when a filtered subscription does not state one. */
const DEFAULT_SEARCH_WINDOW = 32;

/**
 * An in-memory EventStoreDB node speaking the part of the public gRPC protocol that the event store adapter uses:
 * server features, batch append, stream reads, `$all` reads, and catch-up subscriptions to `$all` with stream-name
 * or event-type filters and checkpoints. The messages and service definitions are those the client package ships.
 */
export class EsdbTestServer {
  readonly log = new InMemoryLog();
  private readonly subscriptions = new Set<ReadCall>();
  private grpcServer: grpc.Server | undefined;
  private proxy: CuttableProxy | undefined;

  static async start(): Promise<EsdbTestServer> {
    const server = new EsdbTestServer();
    await server.listen();
    return server;
  }

  /** A connection string for the client, through the proxy that {@link cutConnections} cuts. */
  get url(): string {
    return `esdb://127.0.0.1:${this.requireProxy().port}?tls=false`;
  }

  /** Cuts every open connection at the TCP level, as a network failure would; the server keeps listening. */
  async cutConnections(): Promise<void> {
    this.requireProxy().cut();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Ends every subscription call with an OK status: the client then ends the subscription without an error. */
  endSubscriptions(): void {
    for (const call of this.subscriptions) call.end();
    this.subscriptions.clear();
  }

  async stop(): Promise<void> {
    await this.proxy?.close();
    this.grpcServer?.forceShutdown();
  }

  private async listen(): Promise<void> {
    const server = new grpc.Server();
    server.addService(StreamsService, {
      read: (call: ReadCall) => void this.read(call),
      batchAppend: (call: AppendCall) => this.batchAppend(call),
    });
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) =>
        callback(null, supportedMethods()),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.grpcServer = server;
    this.proxy = await CuttableProxy.start(port);
    this.seedSystemEvents();
  }

  /** A fresh node already holds system events in `$all`; readers must cope with them. */
  private seedSystemEvents(): void {
    for (const [stream, type] of [
      ['$user-admin', '$UserCreated'],
      ['$settings', '$settings'],
    ] as const) {
      const data = Buffer.from(JSON.stringify({ system: true }));
      this.log.append(stream, { kind: 'any' }, [
        {
          id: randomUUID(),
          metadata: new Map([
            ['type', type],
            ['content-type', 'application/json'],
          ]),
          customMetadata: new Uint8Array(),
          data,
          sizeBytes: data.length,
        },
      ]);
    }
  }

  private requireProxy(): CuttableProxy {
    if (!this.proxy) throw new Error('the test server is not started');
    return this.proxy;
  }

  private async read(call: ReadCall): Promise<void> {
    const options = call.request.getOptions();
    const streamOptions = options?.getStream();
    const allOptions = options?.getAll();
    if (options?.getUuidOption()?.hasStructured()) return fail(call, grpc.status.UNIMPLEMENTED, 'structured UUIDs');
    if (options && streamOptions && !options.hasSubscription()) return this.readStream(call, options, streamOptions);
    if (options && allOptions && !options.hasSubscription()) return this.readAll(call, options, allOptions);
    if (options && allOptions) return this.subscribeToAll(call, options, allOptions);
    return fail(call, grpc.status.UNIMPLEMENTED, 'only stream reads, $all reads and $all subscriptions');
  }

  private async readStream(
    call: ReadCall,
    options: ReadReq.Options,
    streamOptions: ReadReq.Options.StreamOptions,
  ): Promise<void> {
    const identifier = streamOptions.getStreamIdentifier() ?? new StreamIdentifier();
    const events = this.log.stream(Buffer.from(identifier.getStreamName_asU8()).toString('utf8'));
    if (!events) {
      await send(call, new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
      call.end();
      return;
    }
    const count = Number(options.getCount());
    const last = events.length - 1;
    const from = streamOptions.hasStart() ? 0 : streamOptions.hasEnd() ? last : Number(streamOptions.getRevision());
    const selected = isBackwards(options)
      ? events.slice(Math.max(0, Math.min(from, last) - count + 1), Math.min(from, last) + 1).reverse()
      : streamOptions.hasEnd()
        ? []
        : events.slice(from, from + count);
    for (const event of selected) await send(call, eventResponse(event));
    call.end();
  }

  private async readAll(
    call: ReadCall,
    options: ReadReq.Options,
    allOptions: ReadReq.Options.AllOptions,
  ): Promise<void> {
    const matches = compileFilter(options);
    const count = Number(options.getCount());
    const position = Number(allOptions.getPosition()?.getCommitPosition() ?? 0);
    const backwards = isBackwards(options);
    let index = backwards
      ? (allOptions.hasStart() ? 0 : allOptions.hasEnd() ? this.log.length : this.log.indexAtOrAfter(position)) - 1
      : allOptions.hasStart()
        ? 0
        : allOptions.hasEnd()
          ? this.log.length
          : this.log.indexAtOrAfter(position);
    for (let sent = 0; sent < count && !call.cancelled; index += backwards ? -1 : 1) {
      const event = this.log.at(index);
      if (!event) break;
      if (!matches(event)) continue;
      await send(call, eventResponse(event));
      sent += 1;
    }
    call.end();
  }

  private async subscribeToAll(
    call: ReadCall,
    options: ReadReq.Options,
    allOptions: ReadReq.Options.AllOptions,
  ): Promise<void> {
    const matches = compileFilter(options);
    const filter = options.getFilter();
    const checkpointInterval = filter
      ? filter.getCheckpointintervalmultiplier() * (filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW)
      : Infinity;
    const position = allOptions.getPosition();
    // Subscribing from a position is exclusive: delivery starts after it.
    let index = allOptions.hasStart()
      ? 0
      : allOptions.hasEnd()
        ? this.log.length
        : this.log.indexAtOrAfter(Number(position?.getCommitPosition() ?? 0) + 1);
    let scanned = 0;
    let isCaughtUp = false;
    let isPumping = false;
    let isPending = false;
    const pump = async (): Promise<void> => {
      if (isPumping) {
        isPending = true;
        return;
      }
      isPumping = true;
      do {
        isPending = false;
        for (let event = this.log.at(index); event && this.subscriptions.has(call); event = this.log.at(index)) {
          index += 1;
          scanned += 1;
          if (matches(event)) await send(call, eventResponse(event));
          if (scanned % checkpointInterval === 0) await send(call, checkpointResponse(event));
        }
        if (!isCaughtUp && this.subscriptions.has(call)) {
          isCaughtUp = true;
          await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
        }
      } while (isPending);
      isPumping = false;
    };
    this.subscriptions.add(call);
    const stopListening = this.log.onAppend(() => void pump());
    const forget = (): void => {
      stopListening();
      this.subscriptions.delete(call);
    };
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('finish', forget);
    await send(
      call,
      new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())),
    );
    await pump();
  }

  private batchAppend(call: AppendCall): void {
    const pending = new Map<string, { options: BatchAppendReq.Options; events: ProposedEvent[] }>();
    call.on('data', (request: BatchAppendReq) => {
      const correlationId = request.getCorrelationId() ?? new UUID();
      const key = correlationId.getString();
      const options = request.getOptions();
      const entry = pending.get(key) ?? (options ? { options, events: [] } : undefined);
      if (!entry) return call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'options missing' });
      pending.set(key, entry);
      for (const message of request.getProposedMessagesList()) entry.events.push(proposedEvent(message));
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const streamName = Buffer.from(entry.options.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
      const expected = expectedOf(entry.options);
      const outcome = this.log.append(streamName, expected, entry.events);
      call.write(appendResponse(correlationId, entry.options, expected, outcome));
    });
    call.on('end', () => call.end());
    call.on('error', () => pending.clear());
  }
}

function supportedMethods(): SupportedMethods {
  const method = (name: string, features: string[]) =>
    new SupportedMethod()
      .setMethodName(name)
      .setServiceName('event_store.client.streams.streams')
      .setFeaturesList(features);
  return new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([method('read', ['position', 'events']), method('batchappend', [])]);
}

function fail(call: ReadCall, code: grpc.status, details: string): void {
  call.emit('error', { code, details: `not implemented by the test server: ${details}` });
}

async function send(call: ReadCall, message: ReadResp): Promise<void> {
  if (call.cancelled || call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}

function isBackwards(options: ReadReq.Options): boolean {
  return options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
}

function compileFilter(options: ReadReq.Options): (event: StoredEvent) => boolean {
  const filter = options.getFilter();
  const expression = filter?.getStreamIdentifier() ?? filter?.getEventType();
  if (!filter || !expression) return () => true;
  const field = filter.hasStreamIdentifier()
    ? (event: StoredEvent) => event.stream
    : (event: StoredEvent) => event.metadata.get('type') ?? '';
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (event) => {
    const value = field(event);
    return regex ? regex.test(value) : prefixes.some((prefix) => value.startsWith(prefix));
  };
}

function eventResponse(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.stream, 'utf8')))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(String(event.position))
    .setPreparePosition(String(event.position))
    .setCustomMetadata(event.customMetadata)
    .setData(event.data);
  for (const [key, value] of event.metadata) recorded.getMetadataMap().set(key, value);
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(String(event.position)));
}

function checkpointResponse(event: StoredEvent): ReadResp {
  return new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(String(event.position)).setPreparePosition(String(event.position)),
  );
}

function proposedEvent(message: BatchAppendReq.ProposedMessage): ProposedEvent {
  return {
    id: message.getId()?.getString() ?? '',
    metadata: new Map(message.getMetadataMap().getEntryList()),
    customMetadata: message.getCustomMetadata_asU8(),
    data: message.getData_asU8(),
    sizeBytes: message.serializeBinary().length,
  };
}

function expectedOf(options: BatchAppendReq.Options): Expected {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: Number(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no-stream' };
  if (options.hasStreamExists()) return { kind: 'stream-exists' };
  return { kind: 'any' };
}

function appendResponse(
  correlationId: UUID,
  options: BatchAppendReq.Options,
  expected: Expected,
  outcome: AppendOutcome,
): BatchAppendResp {
  const response = new BatchAppendResp().setCorrelationId(correlationId);
  const identifier = options.getStreamIdentifier();
  if (identifier) response.setStreamIdentifier(identifier);
  switch (expected.kind) {
    case 'revision':
      response.setStreamPosition(String(expected.revision));
      break;
    case 'no-stream':
      response.setNoStream(new Empty());
      break;
    case 'stream-exists':
      response.setStreamExists(new Empty());
      break;
    case 'any':
      response.setAny(new Empty());
      break;
  }
  switch (outcome.kind) {
    case 'written': {
      const position = new AllStreamPosition()
        .setCommitPosition(String(outcome.position))
        .setPreparePosition(String(outcome.position));
      return response.setSuccess(
        new BatchAppendResp.Success().setCurrentRevision(String(outcome.revision)).setPosition(position),
      );
    }
    case 'unchanged': {
      const success = new BatchAppendResp.Success().setNoPosition(new Empty());
      if (outcome.revision === null) success.setNoStream(new Empty());
      else success.setCurrentRevision(String(outcome.revision));
      return response.setSuccess(success);
    }
    case 'wrong-expected-version': {
      const details = new WrongExpectedVersion();
      if (outcome.current === null) details.setCurrentNoStream(new Empty());
      else details.setCurrentStreamRevision(String(outcome.current));
      if (expected.kind === 'revision') details.setExpectedStreamPosition(String(expected.revision));
      if (expected.kind === 'no-stream') details.setExpectedNoStream(new Empty());
      if (expected.kind === 'stream-exists') details.setExpectedStreamExists(new Empty());
      if (expected.kind === 'any') details.setExpectedAny(new Empty());
      return response.setError(status(Code.FAILED_PRECONDITION, 'WrongExpectedVersion', details));
    }
    case 'too-large':
      return response.setError(
        status(
          Code.INVALID_ARGUMENT,
          'MaximumAppendSizeExceeded',
          new MaximumAppendSizeExceeded().setMaxappendsize(outcome.maxAppendSize),
        ),
      );
  }
}

function status(code: Code, name: string, details: WrongExpectedVersion | MaximumAppendSizeExceeded): Status {
  const packed = new Any();
  packed.pack(details.serializeBinary(), `event_store.client.${name}`);
  return new Status().setCode(code).setMessage(name).setDetails(packed);
}
