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
