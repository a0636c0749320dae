import type { Instant } from '@app/clock';
import type { Actor } from '@app/kernel';

/** Metadata every stored event carries. */
export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: Actor;
  readonly recordedAt: Instant;
  /** The version of the event's `data` shape, from 1; read paths upcast older versions to the current one. */
  readonly schemaVersion: number;
}

/**
 * An event to append. Its `id` is a UUID; a retried command produces the same id, which makes the append idempotent.
 * `data` and `metadata` must be plain JSON (objects, arrays, strings, finite numbers, booleans, null); object
 * properties whose value is `undefined` are dropped, as `JSON.stringify` does.
 */
export interface NewEvent<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly data: Data;
  /**
   * The store the engine opens (`openEventStore`) sets `schemaVersion` to the type's current version; an adapter used
   * on its own refuses an event without one.
   */
  readonly metadata: Omit<EventMetadata, 'schemaVersion'> & Partial<Pick<EventMetadata, 'schemaVersion'>>;
}

/** An event as stored: its stream, its revision in the stream (from 0) and its position in the global log. */
export interface RecordedEvent<Data = unknown> extends NewEvent<Data> {
  readonly metadata: EventMetadata;
  readonly stream: string;
  readonly revision: number;
  /** Strictly increasing along the global log; not necessarily contiguous. */
  readonly position: number;
}

/** `no-stream`: the stream must not exist; `stream-exists`: it must; `any`: no check; a number: its last revision. */
export type ExpectedRevision = 'no-stream' | 'stream-exists' | 'any' | number;

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's last revision after the append: pass it as the next `expectedRevision`. */
  readonly nextExpectedRevision: number;
  /** The global position of the last event of the append. */
  readonly position: number;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

/** Both lists are optional; an event passes when it matches one prefix (if any given) and one type (if any given). */
export interface AllFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this global position; omit to start at the beginning. */
  readonly after?: number | undefined;
  readonly filter?: AllFilter;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: the position of the last event the subscriber has handled, or one reported to it. */
  readonly after?: number | undefined;
  readonly filter?: AllFilter;
  /**
   * Called with a position up to which the subscription has scanned the log with every matching event delivered: a
   * subscriber may store it as its checkpoint even when no event matched, so that an idle filtered follower does not
   * rescan the same tail. Called at least each time the subscription has caught up with the log after scanning events
   * its filter skipped; never with a position below one already delivered or reported.
   */
  readonly onCheckpoint?: (position: number) => Promise<void>;
}

export interface Subscription {
  /** Stops delivering; resolves once the handler in flight, if any, has returned. */
  stop(): Promise<void>;
  /**
   * Settles when the subscription ends: resolves after `stop()` (or `close()` of the store), rejects with the
   * handler's (or `onCheckpoint`'s) error, or with `SubscriptionRefused` when the server refuses the subscription for
   * a reason retrying cannot cure, or the adapter gives up reconnecting.
   */
  readonly done: Promise<void>;
}

/**
 * The event log: the engine's only truth.
 *
 * Every adapter validates an append before writing anything (see `validateAppend`): an empty batch or a malformed
 * event raises `InvalidEvent`, a bad stream name `InvalidStreamName`, an event over 1 MiB `EventTooLarge`.
 */
export interface EventStore {
  /**
   * Appends in one transaction, all or nothing. When every event id of the batch is already stored in this stream, in
   * the same order, nothing is written and the result is that of the original append (whatever the expectation). A
   * batch that only partly repeats stored ids, or reuses an id stored in another stream, raises `DuplicateEventId`.
   * Otherwise a failed expectation raises `ConcurrencyConflict` with the stream's actual revision.
   */
  append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** A stream that does not exist reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catch-up then live, in global order, at least once; handlers run one at a time. */
  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription;
  /** The position of the last event of the log, `undefined` while it is empty: lag is measured from positions. */
  headPosition(): Promise<number | undefined>;
  /** Resolves when the store answers; rejects with {@link EventStoreUnavailable} otherwise. */
  ping(): Promise<void>;
  /** Stops every subscription, then releases the store; later calls raise `EventStoreUnavailable`. */
  close(): Promise<void>;
}

/** DI token for the {@link EventStore}. */
export const EVENT_STORE = Symbol('EventStore');
