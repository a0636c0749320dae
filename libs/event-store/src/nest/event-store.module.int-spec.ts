import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbEventStore } from '../esdb/esdb-event-store';
import { InMemoryEventStore } from '../memory/in-memory-event-store';
import { EventStoreUnavailable } from '../port/event-store.errors';
import { EVENT_STORE, type EventStore } from '../port/event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { EventStoreModule } from './event-store.module';
import { UnsupportedEventStoreUrl } from './open-event-store';

const start = async (url: string) => {
  const app = await Test.createTestingModule({ imports: [EventStoreModule.forRoot(url)] }).compile();
  return { app, store: app.get<EventStore>(EVENT_STORE) };
};

describe('EventStoreModule', () => {
  const directory = join(tmpdir(), `event-store-module-${randomUUID()}`);

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('opens a SQLite file, creating its directory, and closes it at shutdown', async () => {
    const path = join(directory, 'data', 'events.db');
    const { app, store } = await start(`sqlite:${path}`);

    expect(store).toBeInstanceOf(SqliteEventStore);
    expect(existsSync(path)).toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
    await app.close();
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailable);
  });

  it('opens an in-memory store for memory:', async () => {
    const { app, store } = await start('memory:');

    expect(store).toBeInstanceOf(InMemoryEventStore);
    await app.close();
  });

  it('opens the EventStoreDB adapter for an esdb:// connection string, connecting on first use', async () => {
    const { app, store } = await start('esdb://localhost:2113?tls=false');

    expect(store).toBeInstanceOf(EsdbEventStore);
    await app.close();
  });

  it.each(['sqlite:', 'postgres://db'])('refuses %s at start', async (url) => {
    await expect(start(url)).rejects.toMatchObject({ url });
    await expect(start(url)).rejects.toBeInstanceOf(UnsupportedEventStoreUrl);
  });
});
