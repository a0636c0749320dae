import { EventTooLarge, InvalidEvent, InvalidStreamName } from './event-store.errors';
import type { NewEvent } from './event-store.port';

/** EventStoreDB's own limit, applied by every adapter to `data` plus `metadata`, serialised as UTF-8 JSON. */
export const EVENT_SIZE_LIMIT_BYTES = 1024 * 1024;

const STREAM_NAME = /^[A-Za-z][A-Za-z0-9_]*-\S+$/;
const MAX_STREAM_NAME_LENGTH = 256;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event ready to store: `data` and `metadata` as JSON text. */
export interface SerialisedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** `<category>-<id>`: the category is a word without a dash, the id anything without spaces. */
export const isValidStreamName = (stream: string): boolean =>
  stream.length <= MAX_STREAM_NAME_LENGTH && STREAM_NAME.test(stream);

export const assertValidStreamName = (stream: string): void => {
  if (typeof stream !== 'string' || !isValidStreamName(stream)) throw new InvalidStreamName(String(stream));
};

const jsonProblem = (value: unknown, path: string): string | null => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is not a finite number`;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const problem = item === undefined ? `${path}[${i}] is undefined` : jsonProblem(item, `${path}[${i}]`);
          if (problem) return problem;
        }
        return null;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return `${path} is not a plain object`;
      // the prototype is checked above, so `for…in` meets own keys only, without the array `Object.entries` builds
      for (const key in value) {
        const item: unknown = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        const problem = jsonProblem(item, `${path}.${key}`);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return `${path} is ${typeof value}, not JSON`;
  }
};

const serialise = (event: NewEvent): SerialisedEvent => {
  if (typeof event?.id !== 'string' || !UUID.test(event.id)) throw new InvalidEvent(undefined, 'id is not a UUID');
  if (typeof event.type !== 'string' || event.type.length === 0) throw new InvalidEvent(event.id, 'type is empty');
  const problem = jsonProblem(event.data, 'data') ?? jsonProblem(event.metadata, 'metadata');
  if (problem) throw new InvalidEvent(event.id, problem);
  const { schemaVersion } = event.metadata ?? {};
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidEvent(event.id, 'metadata.schemaVersion is not a whole number from 1');
  }
  const data = JSON.stringify(event.data);
  const metadata = JSON.stringify(event.metadata);
  // A UTF-16 code unit takes at most 3 bytes in UTF-8: most events are measured without encoding them.
  if (3 * (data.length + metadata.length) > EVENT_SIZE_LIMIT_BYTES) {
    const sizeBytes = Buffer.byteLength(data) + Buffer.byteLength(metadata);
    if (sizeBytes > EVENT_SIZE_LIMIT_BYTES) throw new EventTooLarge(event.id, sizeBytes, EVENT_SIZE_LIMIT_BYTES);
  }
  return { id: event.id.toLowerCase(), type: event.type, data, metadata };
};

/**
 * Checks an append before anything is written and serialises its events; every adapter calls it first.
 * Raises `InvalidStreamName`, `InvalidEvent` (also for an empty batch or an id repeated in the batch) or `EventTooLarge`.
 */
export const validateAppend = (stream: string, events: readonly NewEvent[]): SerialisedEvent[] => {
  assertValidStreamName(stream);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidEvent(undefined, 'an append needs events');
  const serialised = events.map(serialise);
  const ids = new Set(serialised.map((event) => event.id));
  if (ids.size !== serialised.length) throw new InvalidEvent(undefined, 'the same id twice in one append');
  return serialised;
};
