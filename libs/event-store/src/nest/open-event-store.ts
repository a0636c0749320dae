import { type Upcaster, withUpcasting } from '../codec/event-codec';
import { EsdbEventStore, type EsdbEventStoreOptions } from '../esdb/esdb-event-store';
import { InMemoryEventStore } from '../memory/in-memory-event-store';
import type { EventStore } from '../port/event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';

/** An `EVENT_STORE_URL` the engine cannot open. */
export class UnsupportedEventStoreUrl extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`EVENT_STORE_URL=${JSON.stringify(url)}: ${reason}`);
  }
}

/** The adapter an `EVENT_STORE_URL` names, as it stores events: no upcasting, no schema version set. */
export const openAdapter = (url: string, options: EsdbEventStoreOptions = {}): EventStore => {
  if (url === 'memory:') return new InMemoryEventStore();
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length)
    return SqliteEventStore.open(url.slice('sqlite:'.length));
  if (/^esdb(\+discover)?:\/\//.test(url)) return new EsdbEventStore(url, options);
  throw new UnsupportedEventStoreUrl(url, 'accepted: sqlite:<file path>, memory:, esdb://<host:port>[?options]');
};

/**
 * Opens the store an `EVENT_STORE_URL` names: `sqlite:<path>` (the directory is created if missing), `memory:`, or
 * `esdb://…` / `esdb+discover://…` (EventStoreDB connection string). Every event read or delivered through it is
 * upcast to its current shape, and every event appended is written at its type's current schema version, both from
 * `upcasters` (the engine's are `UPCASTERS` of `@app/domain`). Raises `DuplicateUpcaster` for two upcasters of one
 * type from the same version. `options` tune the EventStoreDB adapter (deadlines, when a subscription gives up).
 */
export const openEventStore = async (
  url: string,
  upcasters: readonly Upcaster[],
  options: EsdbEventStoreOptions = {},
): Promise<EventStore> => withUpcasting(openAdapter(url, options), upcasters);
