import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryCheckpointStore, SqliteCheckpointStore } from './checkpoint-store';

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
