import { EsdbEventStore } from '../esdb/esdb-event-store';
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

/**
 * Opens the store an `EVENT_STORE_URL` names: `sqlite:<path>` (the directory is created if missing), `memory:`, or
 * `esdb://…` / `esdb+discover://…` (EventStoreDB connection string).
 */
export const openEventStore = async (url: string): Promise<EventStore> => {
  if (url === 'memory:') return new InMemoryEventStore();
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length)
    return SqliteEventStore.open(url.slice('sqlite:'.length));
  if (/^esdb(\+discover)?:\/\//.test(url)) return new EsdbEventStore(url);
  throw new UnsupportedEventStoreUrl(url, 'accepted: sqlite:<file path>, memory:, esdb://<host:port>[?options]');
};
