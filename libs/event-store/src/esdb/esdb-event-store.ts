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
import { Logger } from '@nestjs/common';
import { ConcurrencyConflict, EventStoreUnavailable, StreamHistoryHidden } from '../port/event-store.errors';
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
import {
  backoffMs,
  type EsdbLogger,
  FailureLog,
  isTransient,
  pause,
  TRANSIENT_ATTEMPTS,
  withinDeadline,
} from './esdb-retry';
import { isWanted, ResubscribingSubscription } from './esdb-subscription';

/** Writes refused as "wrong expected version" (a concurrent writer, a repeat) before the append gives up. */
const WRITE_CONFLICT_ATTEMPTS = 5;
/** Reads in a row that return less than the revision the server refused a write with, before its history counts as hidden. */
const HIDDEN_HISTORY_CHECKS = 3;

export interface EsdbEventStoreOptions {
  /** Longest wait for an answer to any call, or for the next message of a read (`EVENT_STORE_DEADLINE_MS`, 10 000 ms). */
  readonly deadlineMs?: number;
  /** How long a subscription may keep failing before its `done` rejects (`SUBSCRIPTION_GIVE_UP_MS`, 300 000 ms). */
  readonly subscriptionGiveUpMs?: number;
  /** How often a live subscription with `onCheckpoint` looks whether the log moved on past events it skips (5 000 ms). */
  readonly checkpointProbeMs?: number;
  /** Nest's `Logger` named `EventStoreDB` when omitted. */
  readonly logger?: EsdbLogger;
}

type WriteOutcome =
  | { readonly kind: 'written'; readonly result: AppendResult }
  /** Someone else wrote first, or the server took the batch for a repeat; `actualRevision` when the server said. */
  | { readonly kind: 'refused'; readonly actualRevision: number | null | undefined };

/** The event store on EventStoreDB (`esdb://…` connection strings), through its gRPC client. */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();
  private readonly deadlineMs: number;
  private readonly subscriptionGiveUpMs: number;
  private readonly checkpointProbeMs: number;
  private readonly logger: EsdbLogger;
  private readonly appends: FailureLog;
  private readonly reads: FailureLog;
  private isClosed = false;

  constructor(connectionString: string, options: EsdbEventStoreOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.subscriptionGiveUpMs = options.subscriptionGiveUpMs ?? 300_000;
    this.checkpointProbeMs = options.checkpointProbeMs ?? 5_000;
    this.logger = options.logger ?? new Logger('EventStoreDB');
    // Apart, since a follower that lost its leader serves reads while it refuses appends.
    this.appends = new FailureLog(this.logger, 'appending to EventStoreDB');
    this.reads = new FailureLog(this.logger, 'reading from EventStoreDB');
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
   * Every loop is bounded: transient failures give `EventStoreUnavailable`, repeated conflicts `ConcurrencyConflict`,
   * and a server that keeps counting revisions the reads do not return `StreamHistoryHidden`.
   */
  async append(
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> {
    const serialised = validateAppend(stream, events);
    this.assertOpen();
    const ids = serialised.map((event) => event.id);
    let failures = 0;
    let conflicts = 0;
    let hiddenChecks = 0;
    let serverRevision: number | null | undefined;
    for (;;) {
      const { stored, current } = await this.findStored(stream, ids);
      if (typeof serverRevision === 'number' && (current ?? -1) < serverRevision) {
        if (++hiddenChecks >= HIDDEN_HISTORY_CHECKS) throw new StreamHistoryHidden(stream, current, serverRevision);
      } else {
        hiddenChecks = 0;
      }
      const plan = planAppend(stream, ids, stored, expectedRevision, current);
      if (plan.kind === 'repeat') return plan.result;
      let outcome: WriteOutcome;
      try {
        outcome = await this.write(stream, events, serialised, current);
      } catch (error) {
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error, serialised);
        this.appends.failed(error);
        await pause(backoffMs(failures));
        continue;
      }
      this.appends.recovered();
      if (outcome.kind === 'written') return outcome.result;
      serverRevision = outcome.actualRevision;
      if (++conflicts >= WRITE_CONFLICT_ATTEMPTS) {
        throw new ConcurrencyConflict(stream, expectedRevision, outcome.actualRevision ?? current);
      }
      // The re-read is the check after a first conflict; later ones back off.
      if (conflicts > 1) await pause(backoffMs(conflicts - 2));
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
        deadline: this.deadlineMs,
      });
      try {
        for await (const resolved of drained(read, this.deadlineMs)) {
          const event = toRecordedEvent(resolved);
          if (!event) continue;
          yield event;
          from = event.revision + (isBackwards ? -1 : 1);
          remaining -= 1;
          failures = 0;
        }
        this.reads.recovered();
        return;
      } catch (error) {
        if (error instanceof StreamNotFoundError) {
          this.reads.recovered();
          return;
        }
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error);
        this.reads.failed(error);
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
        deadline: this.deadlineMs,
      });
      try {
        for await (const resolved of drained(read, this.deadlineMs)) {
          const event = toRecordedEvent(resolved);
          if (!event || (after !== undefined && event.position <= after)) continue;
          after = event.position;
          failures = 0;
          if (!isWanted(event, filter)) continue;
          yield event;
          if (++count >= maxCount) return;
        }
        this.reads.recovered();
        return;
      } catch (error) {
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error);
        this.reads.failed(error);
      }
      await pause(backoffMs(failures));
    }
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    this.assertOpen();
    const subscription = new ResubscribingSubscription(this.client, options, handler, {
      deadlineMs: this.deadlineMs,
      giveUpMs: this.subscriptionGiveUpMs,
      checkpointProbeMs: this.checkpointProbeMs,
      logger: this.logger,
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
      try {
        const position = await this.lastPosition();
        this.reads.recovered();
        return position;
      } catch (error) {
        if (!isTransient(error) || ++failures >= TRANSIENT_ATTEMPTS) throw translateError(error);
        this.reads.failed(error);
      }
      await pause(backoffMs(failures));
    }
  }

  /** One read within the deadline, not retried: a ping says whether the store answers now. */
  async ping(): Promise<void> {
    this.assertOpen();
    try {
      await this.lastPosition();
    } catch (error) {
      throw translateError(error);
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private async lastPosition(): Promise<number | undefined> {
    const read = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      deadline: this.deadlineMs,
    });
    for await (const resolved of drained(read, this.deadlineMs)) {
      const event = toRecordedEvent(resolved);
      if (event) return event.position;
    }
    return undefined;
  }

  private async write(
    stream: string,
    events: readonly NewEvent[],
    serialised: readonly SerialisedEvent[],
    current: number | null,
  ): Promise<WriteOutcome> {
    try {
      const append = this.client.appendToStream(
        stream,
        events.map((event, i) =>
          jsonEvent({
            id: serialised[i]?.id ?? event.id,
            type: event.type,
            data: event.data as JSONType,
            metadata: event.metadata,
          }),
        ),
        { expectedRevision: current === null ? 'no_stream' : BigInt(current), deadline: this.deadlineMs },
      );
      const result = await withinDeadline(append, this.deadlineMs);
      if (result.position === undefined) return { kind: 'refused', actualRevision: undefined };
      return {
        kind: 'written',
        result: { nextExpectedRevision: Number(result.nextExpectedRevision), position: Number(result.position.commit) },
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const actual = error.actualVersion;
      return { kind: 'refused', actualRevision: actual === 'no_stream' ? null : Number(actual) };
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
