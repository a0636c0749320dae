import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  jsonEvent,
  type AppendExpectedRevision,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { ConcurrencyConflict, EventStoreUnavailable } from '../port/event-store.errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../port/event-store.port';
import { type SerialisedEvent, validateAppend } from '../port/validate-append';
import { planAppend, type StoredId } from '../shared/plan-append';
import { conflictRevision, translateError } from './esdb-errors';
import { toRecordedEvent } from './esdb-recorded-event';
import { isWanted, ResubscribingSubscription } from './esdb-subscription';

const PING_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_MS = '10000';

type WriteOutcome =
  | { readonly kind: 'written'; readonly result: AppendResult }
  | { readonly kind: 'conflict'; readonly actualRevision: number | null }
  /** The server recognised the append as a repeat and wrote nothing. */
  | { readonly kind: 'repeat' };

/** Keep-alive on, whatever the connection string says: a dead connection is then noticed within seconds. */
const withKeepAlive = (url: string): string => {
  const [base, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  for (const key of ['keepAliveInterval', 'keepAliveTimeout']) {
    const given = [...params.keys()].find((name) => name.toLowerCase() === key.toLowerCase());
    if (given === undefined || Number(params.get(given)) < 0) {
      if (given !== undefined) params.delete(given);
      params.set(key, KEEP_ALIVE_MS);
    }
  }
  return `${base}?${params.toString()}`;
};

const toClientRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'no-stream':
      return 'no_stream';
    case 'stream-exists':
      return 'stream_exists';
    case 'any':
      return 'any';
    default:
      return BigInt(expected);
  }
};

/** The event store on EventStoreDB (`esdb://…` connection strings), through its gRPC client. */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();
  private isClosed = false;

  constructor(connectionString: string) {
    try {
      this.client = EventStoreDBClient.connectionString(withKeepAlive(connectionString));
    } catch (error) {
      throw translateError(error);
    }
  }

  /**
   * The server drops a repeated append only when it can see the repeat (an exact expectation, or its best-effort id
   * cache), so the ids are checked here: before writing for `any` and `stream-exists`, which then write with the
   * revision they read, and after a conflict for an exact expectation, since a retried append always carries a stale one.
   */
  async append(
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> {
    const serialised = validateAppend(stream, events);
    this.assertOpen();
    const ids = serialised.map((event) => event.id);
    if (expectedRevision === 'any' || expectedRevision === 'stream-exists') {
      for (;;) {
        const { stored, current } = await this.findStored(stream, ids);
        const plan = planAppend(stream, ids, stored, expectedRevision, current);
        if (plan.kind === 'repeat') return plan.result;
        const outcome = await this.write(stream, events, serialised, current ?? 'no-stream');
        if (outcome.kind === 'written') return outcome.result;
      }
    }
    const outcome = await this.write(stream, events, serialised, expectedRevision);
    if (outcome.kind === 'written') return outcome.result;
    const { stored, current } = await this.findStored(stream, ids);
    const actualRevision = outcome.kind === 'conflict' ? outcome.actualRevision : current;
    const plan = planAppend(stream, ids, stored, expectedRevision, actualRevision);
    if (plan.kind === 'repeat') return plan.result;
    throw new ConcurrencyConflict(stream, expectedRevision, actualRevision);
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const isBackwards = options.direction === 'backwards';
    const read = this.client.readStream(stream, {
      direction: isBackwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision === undefined ? (isBackwards ? END : START) : BigInt(options.fromRevision),
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    });
    try {
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        const event = toRecordedEvent(resolved);
        if (event) yield event;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw translateError(error);
    } finally {
      await read.cancel();
    }
  }

  /** The server does not filter reads of `$all` for this client, so the filter is applied here as events stream in. */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const { after, filter, maxCount = Infinity } = options;
    if (maxCount <= 0) return;
    const from = after === undefined ? undefined : BigInt(after);
    const read = this.client.readAll({
      direction: FORWARDS,
      fromPosition: from === undefined ? START : { commit: from, prepare: from },
    });
    let count = 0;
    try {
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        const event = toRecordedEvent(resolved);
        if (!event || (after !== undefined && event.position <= after) || !isWanted(event, filter)) continue;
        yield event;
        if (++count >= maxCount) return;
      }
    } catch (error) {
      throw translateError(error);
    } finally {
      await read.cancel();
    }
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    this.assertOpen();
    const subscription = new ResubscribingSubscription(this.client, options, handler);
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EventStoreUnavailable(`no answer in ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const answer = (async () => {
      for await (const _ of read as AsyncIterable<ResolvedEvent>) break;
    })();
    try {
      await Promise.race([answer, timeout]);
    } catch (error) {
      throw translateError(error);
    } finally {
      clearTimeout(timer);
      await read.cancel();
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private async write(
    stream: string,
    events: readonly NewEvent[],
    serialised: readonly SerialisedEvent[],
    expected: ExpectedRevision,
  ): Promise<WriteOutcome> {
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((event, i) =>
          jsonEvent({
            id: serialised[i]?.id ?? event.id,
            type: event.type,
            data: event.data as JSONType,
            metadata: event.metadata,
          }),
        ),
        { expectedRevision: toClientRevision(expected) },
      );
      if (result.position === undefined) return { kind: 'repeat' };
      return {
        kind: 'written',
        result: { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(result.position.commit) },
      };
    } catch (error) {
      const actualRevision = conflictRevision(error);
      if (actualRevision !== undefined) return { kind: 'conflict', actualRevision };
      throw translateError(error, serialised);
    }
  }

  /** Where the stream holds each id, and its last revision. Streams are short (one ticket, one customer). */
  private async findStored(
    stream: string,
    ids: readonly string[],
  ): Promise<{ stored: (StoredId | undefined)[]; current: number | null }> {
    const byId = new Map<string, StoredId>();
    let current: number | null = null;
    for await (const event of this.readStream(stream)) {
      byId.set(event.id, { stream, revision: event.revision, position: event.position });
      current = event.revision;
    }
    return { stored: ids.map((id) => byId.get(id)), current };
  }

  private assertOpen(): void {
    if (this.isClosed) throw new EventStoreUnavailable('the store is closed');
  }
}
