import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventually } from '@app/clock/test-support/eventually';
import { InMemoryCheckpointStore, SqliteCheckpointStore } from './checkpoint-store';

const storedPosition = (path: string, reactor: string): number | undefined => {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare('SELECT position FROM reactor_checkpoints WHERE reactor = ?').get(reactor) as
        { position: number } | undefined
    )?.position;
  } finally {
    db.close();
  }
};

describe('SqliteCheckpointStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has no checkpoint for a reactor that never saved one', async () => {
    const store = SqliteCheckpointStore.open(join(dir, 'read-models.db'));
    await expect(store.load('timers')).resolves.toBeUndefined();
    await store.close();
  });

  it('keeps the last position of each reactor across reopening, creating the folder', async () => {
    const path = join(dir, 'nested', 'read-models.db');
    const first = SqliteCheckpointStore.open(path);
    await first.save('timers', 7);
    await first.save('timers', 42);
    await first.save('alerts', 3);
    await first.close();

    const second = SqliteCheckpointStore.open(path);
    await expect(second.load('timers')).resolves.toBe(42);
    await expect(second.load('alerts')).resolves.toBe(3);
    await second.close();
  });

  it('writes saved positions behind, the last of each reactor, for other connections to read soon after', async () => {
    const path = join(dir, 'read-models.db');
    const store = SqliteCheckpointStore.open(path);
    for (let position = 1; position <= 500; position++) await store.save('timers', position);
    await expect(store.load('timers')).resolves.toBe(500);
    await eventually(() => expect(storedPosition(path, 'timers')).toBe(500));
    await store.save('timers', 501);
    await store.close();
    expect(storedPosition(path, 'timers')).toBe(501);
  });

  it('reports a write that failed at the next save, and writes the position once it can', async () => {
    const path = join(dir, 'read-models.db');
    const store = SqliteCheckpointStore.open(path);
    const connection = (store as unknown as { db: Database.Database }).db;
    await store.save('timers', 1);
    await eventually(() => expect(storedPosition(path, 'timers')).toBe(1));
    connection.pragma('query_only = ON');
    await store.save('timers', 2);
    // the write behind fails (the connection may not write): the next save says so
    const failure = await eventually(() =>
      store.save('timers', 3).then(
        () => Promise.reject(new Error('the write behind has not failed yet')),
        (error: unknown) => error,
      ),
    );
    expect(String(failure)).toMatch(/readonly/);
    connection.pragma('query_only = OFF');
    await store.save('timers', 4);
    await store.close();
    expect(storedPosition(path, 'timers')).toBe(4);
  });
});

describe('InMemoryCheckpointStore', () => {
  it('keeps the last position per reactor', async () => {
    const store = new InMemoryCheckpointStore();
    await store.save('timers', 1);
    await store.save('timers', 9);
    await expect(store.load('timers')).resolves.toBe(9);
    await expect(store.load('alerts')).resolves.toBeUndefined();
  });
});
