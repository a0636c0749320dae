import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  AccessDenied,
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
 * How EventStoreDB answers when it cannot or will not serve a call. `not-leader` names this very server as the leader,
 * so the client reconnects to it; a `delayMs` holds the call that long before serving it.
 */
export type Fault =
  | 'not-leader'
  | 'server-busy'
  | 'not-ready'
  | 'access-denied'
  | 'not-found'
  | 'unknown-position'
  | { readonly delayMs: number };

/** Appends (one per batch), stream and `$all` reads, and subscriptions to `$all`. */
export type CallKind = 'append' | 'read' | 'subscribe';

interface RefusalStatus {
  readonly code: grpc.status;
  readonly details: string;
  readonly exception?: string;
}

/** The statuses of the server's `RpcExceptions` for reads and subscriptions. */
const READ_REFUSALS: Readonly<Record<Exclude<Fault, { delayMs: number }>, RefusalStatus>> = {
  'not-leader': { code: grpc.status.NOT_FOUND, details: 'Leader info available', exception: 'not-leader' },
  'server-busy': { code: grpc.status.UNAVAILABLE, details: 'Server Is Too Busy' },
  'not-ready': { code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' },
  'access-denied': { code: grpc.status.PERMISSION_DENIED, details: 'Access Denied', exception: 'access-denied' },
  'not-found': { code: grpc.status.NOT_FOUND, details: 'Not found' },
  'unknown-position': { code: grpc.status.INVALID_ARGUMENT, details: 'Trying to read from an invalid position.' },
};

/**
 * An in-memory EventStoreDB node speaking the part of the public gRPC protocol that the event store adapter uses:
 * server features, batch append, stream reads, `$all` reads, and catch-up subscriptions to `$all` with stream-name
 * or event-type filters and checkpoints. The messages and service definitions are those the client package ships.
 */
export class EsdbTestServer {
  readonly log = new InMemoryLog();
  /** How many calls of each kind the server received, faulted ones included. */
  readonly calls: Record<CallKind, number> = { append: 0, read: 0, subscribe: 0 };
  private readonly subscriptions = new Set<ReadCall>();
  private readonly faults: Record<CallKind, { fault: Fault; remaining: number }[]> = {
    append: [],
    read: [],
    subscribe: [],
  };
  private readonly hiddenBefore = new Map<string, number>();
  private readonly delays = new Map<NodeJS.Timeout, () => void>();
  private readonly delayedCalls = new Set<Promise<void>>();
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

  /** The next `times` calls of that kind (every one when omitted) meet the fault, after any injected before it. */
  inject(kind: CallKind, fault: Fault, times = Infinity): void {
    if (kind === 'append' && (fault === 'not-found' || fault === 'unknown-position')) {
      throw new Error(`an append cannot meet ${fault}`);
    }
    this.faults[kind].push({ fault, remaining: times });
  }

  clearFaults(): void {
    for (const queue of Object.values(this.faults)) queue.length = 0;
  }

  /** Stream reads no longer return the stream's events before `revision`, as after a `$tb` or a `$maxAge`. */
  hideEventsBefore(stream: string, revision: number): void {
    this.hiddenBefore.set(stream, revision);
  }

  /** Resolves once every delayed call has been served. */
  async delayedCallsServed(): Promise<void> {
    await Promise.all([...this.delayedCalls]);
  }

  async stop(): Promise<void> {
    for (const [timer, release] of this.delays) {
      clearTimeout(timer);
      release();
    }
    await this.proxy?.close();
    this.grpcServer?.forceShutdown();
  }

  private takeFault(kind: CallKind): Fault | undefined {
    this.calls[kind] += 1;
    const [next] = this.faults[kind];
    if (!next) return undefined;
    if (--next.remaining <= 0) this.faults[kind].shift();
    return next.fault;
  }

  private delay(ms: number): Promise<void> {
    const served = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      this.delays.set(timer, resolve);
    });
    this.delayedCalls.add(served);
    void served.then(() => this.delayedCalls.delete(served));
    return served;
  }

  private refusalMetadata({ exception }: RefusalStatus): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (exception) metadata.set('exception', exception);
    if (exception === 'not-leader') {
      metadata.set('leader-endpoint-host', '127.0.0.1');
      metadata.set('leader-endpoint-port', String(this.requireProxy().port));
    }
    return metadata;
  }

  /** Serves the fault, if any: true when the call is answered with a refusal (or was cancelled while held). */
  private async meetFault(call: ReadCall, kind: CallKind): Promise<boolean> {
    const fault = this.takeFault(kind);
    if (fault === undefined) return false;
    if (typeof fault === 'object') {
      await this.delay(fault.delayMs);
      return call.cancelled;
    }
    const refusal = READ_REFUSALS[fault];
    call.emit('error', { code: refusal.code, details: refusal.details, metadata: this.refusalMetadata(refusal) });
    return true;
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
    const kind: CallKind = options?.hasSubscription() ? 'subscribe' : 'read';
    if ((streamOptions || allOptions) && (await this.meetFault(call, kind))) return;
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
    const name = Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
    const events = this.log.stream(name);
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
    const hiddenBefore = this.hiddenBefore.get(name) ?? 0;
    for (const event of selected) if (event.revision >= hiddenBefore) await send(call, eventResponse(event));
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
      void this.serveAppend(call, correlationId, entry.options, entry.events);
    });
    call.on('end', () => call.end());
    call.on('error', () => pending.clear());
  }

  private async serveAppend(
    call: AppendCall,
    correlationId: UUID,
    options: BatchAppendReq.Options,
    events: readonly ProposedEvent[],
  ): Promise<void> {
    const fault = this.takeFault('append');
    if (typeof fault === 'object') await this.delay(fault.delayMs);
    if (call.cancelled || call.writableEnded) return;
    switch (fault) {
      case 'not-leader': {
        const refusal = READ_REFUSALS['not-leader'];
        call.emit('error', { code: refusal.code, details: refusal.details, metadata: this.refusalMetadata(refusal) });
        return;
      }
      case 'server-busy':
      case 'not-ready':
      case 'access-denied':
        call.write(appendRefusal(correlationId, options, fault));
        return;
    }
    const streamName = Buffer.from(options.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
    const expected = expectedOf(options);
    const outcome = this.log.append(streamName, expected, events);
    call.write(appendResponse(correlationId, options, expected, outcome));
  }
}

/** As `BatchAppend` answers: a bare status for a node not ready or too busy, `AccessDenied` details for a refusal. */
function appendRefusal(
  correlationId: UUID,
  options: BatchAppendReq.Options,
  fault: 'server-busy' | 'not-ready' | 'access-denied',
): BatchAppendResp {
  const response = new BatchAppendResp().setCorrelationId(correlationId);
  const identifier = options.getStreamIdentifier();
  if (identifier) response.setStreamIdentifier(identifier);
  const details = new Any();
  if (fault === 'access-denied') {
    details.pack(new AccessDenied().serializeBinary(), 'event_store.client.AccessDenied');
    return response.setError(
      new Status().setCode(Code.PERMISSION_DENIED).setMessage('Access Denied').setDetails(details),
    );
  }
  details.pack(new Empty().serializeBinary(), 'google.protobuf.Empty');
  const message = fault === 'server-busy' ? 'Server Is Busy' : 'Server Is Not Ready';
  return response.setError(new Status().setMessage(message).setDetails(details));
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
