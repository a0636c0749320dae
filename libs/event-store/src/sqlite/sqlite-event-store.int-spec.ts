import { randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventually } from '@app/clock/test-support/eventually';
import { describeEventStoreConformance } from '../conformance/event-store.conformance';
import { ConcurrencyConflict, DuplicateEventId, EventStoreUnavailable } from '../port/event-store.errors';
import type { NewEvent, RecordedEvent } from '../port/event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

const aTempFile = (): { path: string; remove: () => void } => {
  const directory = join(tmpdir(), `event-store-${randomUUID()}`);
  return {
    path: join(directory, 'nested', 'events.db'),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
};

describeEventStoreConformance(
  'SQLite file',
  async () => {
    const file = aTempFile();
    const store = SqliteEventStore.open(file.path);
    return {
      store,
      dispose: async () => {
        await store.close();
        file.remove();
      },
    };
  },
  { opensEmpty: true },
);

const anEvent = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'TestEventRecorded',
  data: { n },
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor: { id: 'test', role: 'system' },
    recordedAt: '2026-11-30T19:00:00.000Z',
    schemaVersion: 1,
  },
});

describe('SqliteEventStore', () => {
  let file: ReturnType<typeof aTempFile>;
  const opened: SqliteEventStore[] = [];
  const open = (options = {}): SqliteEventStore => {
    const store = SqliteEventStore.open(file.path, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    file = aTempFile();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    file.remove();
  });

  it('creates its directory and sets WAL, synchronous FULL and a busy timeout', () => {
    open({ busyTimeoutMs: 1_234 });
    const db = new Database(file.path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const schema = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").pluck().get() as string;
      expect(schema).toMatch(/id\s+TEXT\s+NOT NULL UNIQUE/);
      expect(schema).toContain('UNIQUE (stream, revision)');
    } finally {
      db.close();
    }
    const store = opened[0] as unknown as { db: Database.Database };
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(1_234);
  });

  it('refuses an id already stored in another stream, writing nothing', async () => {
    const store = open();
    const event = anEvent(1);
    await store.append('test-a', [event], { expectedRevision: 'no-stream' });

    const refusal = store.append('test-b', [event], { expectedRevision: 'no-stream' });

    await expect(refusal).rejects.toBeInstanceOf(DuplicateEventId);
    await expect(refusal).rejects.toMatchObject({ eventId: event.id, stream: 'test-b', storedInStream: 'test-a' });
    expect(await store.readStream('test-b')[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
  });

  it('keeps events across a reopen and shares the file between connections, with subscriptions polling', async () => {
    const writer = open();
    const reader = open({ pollIntervalMs: 10 });
    await writer.append('test-1', [anEvent(1)], { expectedRevision: 'no-stream' });
    const received: RecordedEvent[] = [];
    let reachedTwo: () => void = () => undefined;
    const two = new Promise<void>((resolve) => (reachedTwo = resolve));
    const subscription = reader.subscribeToAll({}, async (event) => {
      received.push(event);
      if (received.length === 2) reachedTwo();
    });
    await writer.append('test-1', [anEvent(2)], { expectedRevision: 0 });
    await two;
    await subscription.stop();
    await writer.close();

    const reopened = open();
    const events: RecordedEvent[] = [];
    for await (const event of reopened.readStream('test-1')) events.push(event);
    expect(events.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(received.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('sees the commit of another connection from the change notices of the file, without waiting for its poll', async () => {
    const writer = open();
    const reader = open({ pollIntervalMs: 600_000, idlePollIntervalMs: 600_000 });
    const received: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll({}, async (event) => void received.push(event));

    await writer.append('test-1', [anEvent(1)], { expectedRevision: 'no-stream' });

    await eventually(() => expect(received.map((event) => event.data)).toEqual([{ n: 1 }]), 3_000);
    await subscription.stop();
  });

  it('commits the appends of one turn of the event loop together, each with its own outcome, in the order they came', async () => {
    const store = open();
    await store.append('test-taken', [anEvent(0)], { expectedRevision: 'no-stream' });
    const outcomes = await Promise.allSettled([
      store.append('test-1', [anEvent(1)], { expectedRevision: 'no-stream' }),
      store.append('test-taken', [anEvent(2)], { expectedRevision: 'no-stream' }),
      store.append('test-1', [anEvent(3), anEvent(4)], { expectedRevision: 0 }),
      store.append('test-2', [anEvent(5)], { expectedRevision: 'any' }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyConflict);
    expect((outcomes[2] as PromiseFulfilledResult<unknown>).value).toEqual({ nextExpectedRevision: 2, position: 4 });
    const stored: unknown[] = [];
    for await (const event of store.readAll()) stored.push([event.stream, event.revision, event.data]);
    expect(stored).toEqual([
      ['test-taken', 0, { n: 0 }],
      ['test-1', 0, { n: 1 }],
      ['test-1', 1, { n: 3 }],
      ['test-1', 2, { n: 4 }],
      ['test-2', 0, { n: 5 }],
    ]);
  });

  const readAllOf = async (store: SqliteEventStore, stream: string): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(stream)) events.push(event);
    return events;
  };

  it('commits the appends of one transaction together, reading in it what it appended', async () => {
    const store = open({ synchronous: 'NORMAL' });
    const other = open();
    await store.inOneTransaction(async () => {
      await store.append('test-1', [anEvent(1)], { expectedRevision: 'no-stream' });
      expect((await readAllOf(store, 'test-1')).map((event) => event.data)).toEqual([{ n: 1 }]);
      await store.append('test-1', [anEvent(2), anEvent(3)], { expectedRevision: 0 });
      await store.append('test-2', [anEvent(4)], { expectedRevision: 'no-stream' });
      expect((await readAllOf(store, 'test-1')).map((event) => event.revision)).toEqual([0, 1, 2]);
      expect(await readAllOf(other, 'test-1')).toEqual([]);
    });
    expect(await readAllOf(other, 'test-1')).toEqual(await readAllOf(store, 'test-1'));
    expect(await readAllOf(other, 'test-2')).toHaveLength(1);
  });

  it('appends nothing of a transaction whose work fails', async () => {
    const store = open();
    await expect(
      store.inOneTransaction(async () => {
        await store.append('test-1', [anEvent(1)], { expectedRevision: 'no-stream' });
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await readAllOf(store, 'test-1')).toEqual([]);
    await store.append('test-1', [anEvent(2)], { expectedRevision: 'no-stream' });
    expect(await readAllOf(open(), 'test-1')).toHaveLength(1);
  });

  it('leaves nothing in the WAL once synchronised to disk', async () => {
    const store = open({ synchronous: 'NORMAL' });
    await store.append('test-1', [anEvent(1)], { expectedRevision: 'no-stream' });
    await store.syncToDisk();
    const db = new Database(file.path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    db.close();
    expect(statSync(`${file.path}-wal`).size).toBe(0);
  });

  it('raises EventStoreUnavailable once closed', async () => {
    const store = open();
    await store.close();

    await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailable);
    await expect(store.append('test-1', [anEvent(1)], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
      EventStoreUnavailable,
    );
  });
});
