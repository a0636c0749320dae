import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type JSONType,
} from '@eventstore/db-client';
import { EventStoreUnavailable } from '../port/event-store.errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../port/event-store.port';
import { type SerialisedEvent, validateAppend } from '../port/validate-append';
import { planAppend, type StoredId } from '../shared/plan-append';
import { withKeepAlive } from './esdb-connection-string';
import { translateError } from './esdb-errors';
import { drained } from './esdb-read';
import { toRecordedEvent } from './esdb-recorded-event';
import { backoffMs, isTransient, pause, TRANSIENT_ATTEMPTS } from './esdb-retry';
import { isWanted, ResubscribingSubscription } from './esdb-subscription';

const PING_TIMEOUT_MS = 5_000;

export interface EsdbEventStoreOptions {
  /** How often a live subscription with `onCheckpoint` looks whether the log moved on past events it skips (5 000 ms). */
  readonly checkpointProbeMs?: number;
}

/** The event store on EventStoreDB (`esdb://…` connection strings), through its gRPC client. */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();
  private readonly checkpointProbeMs: number;
  private isClosed = false;

  constructor(connectionString: string, options: EsdbEventStoreOptions = {}) {
    this.checkpointProbeMs = options.checkpointProbeMs ?? 5_000;
    try {
      this.client = EventStoreDBClient.connectionString(withKeepAlive(connectionString));
    } catch (error) {
      throw translateError(error);
    }
  }

  /**
   * The server drops a repeated append only when it can see the repeat (an exact expectation that is now stale, or its
   * best-effort id cache for `any`), so the stream's ids are read first and the batch is written with the revision
   * read: a concurrent writer, or a retry of this very append, then surfaces as a conflict, and the check runs again.
   */
  async append(
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> {
    const serialised = validateAppend(stream, events);
    this.assertOpen();
    const ids = serialised.map((event) => event.id);
    for (let failures = 0; ;) {
      const { stored, current } = await this.findStored(stream, ids);
      const plan = planAppend(stream, ids, stored, expectedRevision, current);
      if (plan.kind === 'repeat') return plan.result;
      try {
        const written = await this.write(stream, events, serialised, current);
        if (written) return written;
      } catch (error) {
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error, serialised);
        await pause(backoffMs(failures));
      }
    }
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const isBackwards = options.direction === 'backwards';
    let from = options.fromRevision;
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    for (let failures = 0; remaining > 0;) {
      const read = this.client.readStream(stream, {
        direction: isBackwards ? BACKWARDS : FORWARDS,
        fromRevision: from === undefined ? (isBackwards ? END : START) : BigInt(from),
        maxCount: remaining,
      });
      try {
        for await (const resolved of drained(read)) {
          const event = toRecordedEvent(resolved);
          if (!event) continue;
          yield event;
          from = event.revision + (isBackwards ? -1 : 1);
          remaining -= 1;
          failures = 0;
        }
        return;
      } catch (error) {
        if (error instanceof StreamNotFoundError) return;
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error);
      }
      if (from !== undefined && from < 0) return;
      await pause(backoffMs(failures));
    }
  }

  /** The server does not filter reads of `$all` for this client, so the filter is applied here as events stream in. */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const { filter, maxCount = Infinity } = options;
    let after = options.after;
    let count = 0;
    for (let failures = 0; count < maxCount;) {
      const from = after === undefined ? undefined : BigInt(after);
      const read = this.client.readAll({
        direction: FORWARDS,
        fromPosition: from === undefined ? START : { commit: from, prepare: from },
      });
      try {
        for await (const resolved of drained(read)) {
          const event = toRecordedEvent(resolved);
          if (!event || (after !== undefined && event.position <= after)) continue;
          after = event.position;
          failures = 0;
          if (!isWanted(event, filter)) continue;
          yield event;
          if (++count >= maxCount) return;
        }
        return;
      } catch (error) {
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error);
      }
      await pause(backoffMs(failures));
    }
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    this.assertOpen();
    const subscription = new ResubscribingSubscription(this.client, options, handler, {
      checkpointProbeMs: this.checkpointProbeMs,
    });
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  /** The last event of `$all`, system events included: a subscriber's reported checkpoints reach it too. */
  async headPosition(): Promise<number | undefined> {
    this.assertOpen();
    for (let failures = 0; ;) {
      const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
      try {
        for await (const resolved of drained(read)) {
          const event = toRecordedEvent(resolved);
          if (event) return event.position;
        }
        return undefined;
      } catch (error) {
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error);
      }
      await pause(backoffMs(failures));
    }
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
      for await (const _ of drained(read)) break;
    })();
    try {
      await Promise.race([answer, timeout]);
    } catch (error) {
      throw translateError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** The result, or `undefined` when someone else wrote first (or the server took the batch for a repeat). */
  private async write(
    stream: string,
    events: readonly NewEvent[],
    serialised: readonly SerialisedEvent[],
    current: number | null,
  ): Promise<AppendResult | undefined> {
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
        { expectedRevision: current === null ? 'no_stream' : BigInt(current) },
      );
      if (result.position === undefined) return undefined;
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(result.position.commit) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
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
