import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateUpcaster } from '../codec/event-codec';
import { EsdbEventStore } from '../esdb/esdb-event-store';
import { InMemoryEventStore } from '../memory/in-memory-event-store';
import { EventStoreUnavailable } from '../port/event-store.errors';
import { EVENT_STORE, type EventStore } from '../port/event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { EventStoreModule } from './event-store.module';
import { openAdapter, UnsupportedEventStoreUrl } from './open-event-store';

const start = async (url: string, upcasters: Parameters<typeof EventStoreModule.forRoot>[1] = []) => {
  const app = await Test.createTestingModule({ imports: [EventStoreModule.forRoot(url, upcasters)] }).compile();
  return { app, store: app.get<EventStore>(EVENT_STORE) };
};

describe('EventStoreModule', () => {
  const directory = join(tmpdir(), `event-store-module-${randomUUID()}`);

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('opens a SQLite file, creating its directory, and closes it at shutdown', async () => {
    const path = join(directory, 'data', 'events.db');
    const { app, store } = await start(`sqlite:${path}`);

    expect(existsSync(path)).toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
    await app.close();
    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailable);
  });

  it.each(['sqlite:', 'postgres://db'])('refuses %s at start', async (url) => {
    await expect(start(url)).rejects.toMatchObject({ url });
    await expect(start(url)).rejects.toBeInstanceOf(UnsupportedEventStoreUrl);
  });

  it('refuses two upcasters of one type from the same version at start', async () => {
    const upcaster = { type: 'TestDeadlineSet', fromVersion: 1, upcast: (data: unknown) => data };

    await expect(start('memory:', [upcaster, upcaster])).rejects.toBeInstanceOf(DuplicateUpcaster);
  });
});

describe('openAdapter', () => {
  const directory = join(tmpdir(), `open-adapter-${randomUUID()}`);

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it.each([
    ['memory:', InMemoryEventStore],
    [`sqlite:${join(directory, 'events.db')}`, SqliteEventStore],
    ['esdb://localhost:2113?tls=false', EsdbEventStore],
    ['esdb+discover://localhost:2113?tls=false', EsdbEventStore],
  ])('opens %s with its adapter, connecting on first use', async (url, adapter) => {
    const store = openAdapter(url);

    expect(store).toBeInstanceOf(adapter);
    await store.close();
  });
});
