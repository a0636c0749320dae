import type { ExpectedRevision } from './event-store.port';

/** Base of every error the event store raises; adapters translate their client's errors into these. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream's revision is not the one the append expected. */
export class ConcurrencyConflict extends EventStoreError {
  readonly code = 'concurrency-conflict';
  constructor(
    readonly stream: string,
    readonly expectedRevision: ExpectedRevision,
    /** `null` when the stream does not exist. */
    readonly actualRevision: number | null,
  ) {
    super(`stream ${stream}: expected revision ${String(expectedRevision)}, actual ${actualRevision ?? 'no stream'}`);
  }
}

/** An event over the size limit (1 MiB serialised, EventStoreDB's own limit). */
export class EventTooLarge extends EventStoreError {
  readonly code = 'event-too-large';
  constructor(
    readonly eventId: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`event ${eventId} is ${sizeBytes} bytes, the limit is ${limitBytes}`);
  }
}

/**
 * An append that only partly repeats an earlier one (some of its ids are stored in the stream, not all, or not in the
 * same order), or that reuses an id stored in another stream. Adapters that cannot see other streams' ids cheaply
 * (EventStoreDB) check only the first case.
 */
export class DuplicateEventId extends EventStoreError {
  readonly code = 'duplicate-event-id';
  constructor(
    readonly eventId: string,
    readonly stream: string,
    /** The stream that already holds the id. */
    readonly storedInStream: string,
  ) {
    super(`event ${eventId} appended to ${stream} is already stored in ${storedInStream}`);
  }
}

export class InvalidStreamName extends EventStoreError {
  readonly code = 'invalid-stream-name';
  constructor(readonly stream: string) {
    super(`invalid stream name ${JSON.stringify(stream)}: expected <category>-<id>, category without a dash`);
  }
}

/** An empty batch, event data or metadata that is not plain JSON, or an event without a UUID id or a type. */
export class InvalidEvent extends EventStoreError {
  readonly code = 'invalid-event';
  constructor(
    readonly eventId: string | undefined,
    readonly reason: string,
  ) {
    super(`invalid event ${eventId ?? '(no id)'}: ${reason}`);
  }
}

export class EventStoreUnavailable extends EventStoreError {
  readonly code = 'event-store-unavailable';
  constructor(readonly reason: string) {
    super(`event store unavailable: ${reason}`);
  }
}

/**
 * The server refuses to return a stream's earlier events (a `$maxAge` or `$tb` on its metadata) while it still counts
 * them in the stream's revision: what the engine would decide from its reads is not the stream's history, so nothing
 * is appended until an operator restores the history or moves the record to a new stream.
 */
export class StreamHistoryHidden extends EventStoreError {
  readonly code = 'stream-history-hidden';
  constructor(
    readonly stream: string,
    /** The last revision a read returns, `null` when it returns nothing. */
    readonly readRevision: number | null,
    /** The revision the server reports for the stream when it refuses an append. */
    readonly actualRevision: number,
  ) {
    super(
      `stream ${stream}: the server counts revisions up to ${actualRevision}, reads return ${readRevision ?? 'none'}`,
    );
  }
}

/** Why a subscription ended without being stopped. */
export type SubscriptionRefusal =
  /** The credentials may not read `$all` (a secure node without the right user or ACL). */
  | 'access-denied'
  /** The server does not know the position to resume after (a scavenged log, another cluster's checkpoint). */
  | 'unknown-position'
  | 'not-found'
  /** The server refuses the request itself (an option it does not support). */
  | 'invalid-request'
  /** Transient failures went on longer than the give-up time. */
  | 'kept-failing';

/**
 * A subscription the server refused for a reason retrying cannot cure, or that kept failing past its give-up time. Its
 * `done` rejects with it; `cause` is the last failure, translated.
 */
export class SubscriptionRefused extends EventStoreError {
  readonly code = 'subscription-refused';
  constructor(
    readonly reason: SubscriptionRefusal,
    override readonly cause: EventStoreError,
  ) {
    super(`subscription to the log ended (${reason}): ${cause.message}`, { cause });
  }
}
