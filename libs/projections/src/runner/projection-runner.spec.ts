import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { FixedClock } from '@app/clock';
import { eventually } from '@app/clock/test-support/eventually';
import { InMemoryEventStore, type RecordedEvent } from '@app/event-store';
import { aNewEvent } from '@app/event-store/test-support/events';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { openReadModelDb, type ReadModelDb } from './read-model-db';

/** Counts events per stream; throws on a `Poison` event. */
const counting = (name: string, version = 1): Projection => ({
  name,
  version,
  tables: [`${name}_counts`],
  migrate: (db) => db.exec(`CREATE TABLE IF NOT EXISTS ${name}_counts (stream TEXT PRIMARY KEY, n INTEGER NOT NULL)`),
  bind: (db) => {
    const bump = db.prepare(
      `INSERT INTO ${name}_counts (stream, n) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET n = n + 1`,
    );
    return {
      apply: (event: RecordedEvent) => {
        if (event.type === 'Poison') throw new Error('cannot apply Poison');
        bump.run(event.stream);
      },
    };
  },
});

/** Counts events per stream in memory during a batch and writes the counts at its end; the first `Flaky` fails. */
const countingPerBatch = (name: string): Projection => {
  let hasFailed = false;
  return {
    ...counting(name),
    bind: (db) => {
      const load = db.prepare<[string], { n: number }>(`SELECT n FROM ${name}_counts WHERE stream = ?`);
      const save = db.prepare(`INSERT OR REPLACE INTO ${name}_counts (stream, n) VALUES (?, ?)`);
      const touched = new Map<string, number>();
      return {
        apply: (event: RecordedEvent) => {
          touched.set(event.stream, (touched.get(event.stream) ?? load.get(event.stream)?.n ?? 0) + 1);
          if (event.type === 'Flaky' && !hasFailed) {
            hasFailed = true;
            throw new Error('Flaky fails once');
          }
        },
        flush: () => {
          for (const [stream, n] of touched) save.run(stream, n);
          touched.clear();
        },
      };
    },
  };
};

const counts = (db: ReadModelDb, name: string): Record<string, number> =>
  Object.fromEntries(
    (db.prepare(`SELECT stream, n FROM ${name}_counts ORDER BY stream`).all() as { stream: string; n: number }[]).map(
      ({ stream, n }) => [stream, n],
    ),
  );

const storedCheckpoint = (db: ReadModelDb, name: string): number | null =>
  (db.prepare('SELECT position FROM projection_checkpoints WHERE name = ?').get(name) as { position: number | null })
    .position;

describe('ProjectionRunner', () => {
  let store: InMemoryEventStore;
  let db: ReadModelDb;
  const clock = new FixedClock('2026-11-30T15:00:10.000Z');
  const runners: ProjectionRunner[] = [];

  const runner = (projections: Projection[], batchSize?: number): ProjectionRunner => {
    const created = new ProjectionRunner(store, db, projections, clock, batchSize ? { batchSize } : {});
    runners.push(created);
    return created;
  };

  beforeEach(() => {
    store = new InMemoryEventStore();
    db = openReadModelDb(':memory:');
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await store.close();
    db.close();
  });

  it('catches up in batches, then follows the log, keeping the checkpoint with the models', async () => {
    await store.append('ticket-a', [aNewEvent('A'), aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    const live = runner([counting('one'), counting('two')], 2);
    live.start();
    const { position } = await store.append('ticket-b', [aNewEvent('B')], { expectedRevision: 'any' });
    await live.waitFor(position, 2_000);

    expect(counts(db, 'one')).toEqual({ 'ticket-a': 3, 'ticket-b': 1 });
    expect(counts(db, 'two')).toEqual({ 'ticket-a': 3, 'ticket-b': 1 });
    expect(storedCheckpoint(db, 'one')).toBe(position);
    expect(storedCheckpoint(db, 'two')).toBe(position);
    await eventually(async () => expect((await live.lag()).state).toBe('live'), 2_000);
  });

  it('resumes from the stored checkpoint without applying an event twice', async () => {
    await store.append('ticket-a', [aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    const first = runner([counting('one')]);
    await first.catchUp();
    await first.stop();
    await store.append('ticket-a', [aNewEvent('A')], { expectedRevision: 'any' });

    await runner([counting('one')]).catchUp();

    expect(counts(db, 'one')).toEqual({ 'ticket-a': 3 });
  });

  it('rebuilds from zero only the model whose version changed, and says why', async () => {
    await store.append('ticket-a', [aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    await runner([counting('one'), counting('two')]).catchUp();
    db.prepare(`UPDATE one_counts SET n = 99`).run();
    db.prepare(`UPDATE two_counts SET n = 99`).run();
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);

    const applied = await runner([counting('one'), counting('two', 2)]).catchUp();

    expect(applied).toBe(2);
    expect(counts(db, 'one')).toEqual({ 'ticket-a': 99 });
    expect(counts(db, 'two')).toEqual({ 'ticket-a': 2 });
    expect(logged.mock.calls.map(([message]) => message)).toEqual([
      'read model two is built again from the start of the log: version 1 is now 2',
    ]);
    logged.mockRestore();
  });

  it('leaves neither the update nor the checkpoint of a batch that fails, and reports the failure while it retries', async () => {
    await store.append('ticket-a', [aNewEvent('A')], { expectedRevision: 'any' });
    const live = runner([counting('one')], 10);
    await live.catchUp();
    const before = storedCheckpoint(db, 'one');
    await store.append('ticket-b', [aNewEvent('B'), aNewEvent('Poison')], { expectedRevision: 'any' });

    live.start();

    await eventually(async () => expect((await live.lag()).state).toBe('retrying'), 2_000);
    expect(counts(db, 'one')).toEqual({ 'ticket-a': 1 });
    expect(storedCheckpoint(db, 'one')).toBe(before);
    expect(await live.lag()).toMatchObject({ state: 'retrying', error: 'cannot apply Poison', behind: 2 });
  });

  it('applies a failed batch again exactly once, with nothing a projection kept in memory from the failed try', async () => {
    await store.append('ticket-a', [aNewEvent('A')], { expectedRevision: 'any' });
    const live = runner([countingPerBatch('one')], 10);
    await live.catchUp();
    const { position } = await store.append('ticket-a', [aNewEvent('A'), aNewEvent('Flaky'), aNewEvent('A')], {
      expectedRevision: 'any',
    });

    live.start();
    await live.waitFor(position, 5_000);

    expect(counts(db, 'one')).toEqual({ 'ticket-a': 4 });
  });

  it('keeps what it applied when a batch fails after it started on an empty log', async () => {
    const live = runner([countingPerBatch('one')]);
    live.start();
    const applied = await store.append('ticket-a', [aNewEvent('A')], { expectedRevision: 'any' });
    await live.waitFor(applied.position, 2_000);
    const { position } = await store.append('ticket-b', [aNewEvent('Flaky')], { expectedRevision: 'any' });

    await live.waitFor(position, 5_000);

    expect(counts(db, 'one')).toEqual({ 'ticket-a': 1, 'ticket-b': 1 });
  });

  it('reports from positions how far it is behind the head of the log and how long the oldest event has waited', async () => {
    await store.append('ticket-a', [aNewEvent('A', '2026-11-30T15:00:00.000Z')], { expectedRevision: 'any' });
    const idle = runner([counting('one')]);
    await idle.catchUp();
    await store.append(
      'ticket-a',
      [aNewEvent('A', '2026-11-30T15:00:04.000Z'), aNewEvent('A', '2026-11-30T15:00:06.000Z')],
      {
        expectedRevision: 'any',
      },
    );

    expect(await idle.lag()).toEqual({ state: 'idle', checkpoint: 1, head: 3, behind: 2, seconds: 6 });
    await idle.catchUp();
    expect(await idle.lag()).toMatchObject({ checkpoint: 3, head: 3, behind: 0, seconds: 0 });
  });

  it('publishes each event once its transaction has committed', async () => {
    const live = runner([counting('one')]);
    const seen: number[] = [];
    live.applied.subscribe((event) => seen.push(counts(db, 'one')[event.stream] ?? 0));
    live.start();
    const { position } = await store.append('ticket-a', [aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    await live.waitFor(position, 2_000);
    expect(seen.at(-1)).toBe(2);
    expect(seen).toHaveLength(2);
  });
});

describe('ProjectionRunner on a read-model file made from another log', () => {
  it('starts every model again from zero', async () => {
    const db = openReadModelDb(':memory:');
    const clock = new FixedClock('2026-11-30T15:00:10.000Z');
    const first = new InMemoryEventStore();
    await first.append('ticket-a', [aNewEvent('A'), aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    await new ProjectionRunner(first, db, [counting('one')], clock).catchUp();
    const other = new InMemoryEventStore();
    await other.append('ticket-b', [aNewEvent('B')], { expectedRevision: 'any' });

    await new ProjectionRunner(other, db, [counting('one')], clock).catchUp();

    expect(counts(db, 'one')).toEqual({ 'ticket-b': 1 });
    await Promise.all([first.close(), other.close()]);
    db.close();
  });
});

describe('ProjectionRunner on a read-model file made before file version 1', () => {
  it('rebuilds every model once, as a retried batch there may have lost rows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'read-models-')), 'read-models.db');
    const clock = new FixedClock('2026-11-30T15:00:10.000Z');
    const store = new InMemoryEventStore();
    await store.append('ticket-a', [aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    const older = openReadModelDb(path);
    await new ProjectionRunner(store, older, [counting('one')], clock).catchUp();
    older.prepare('UPDATE one_counts SET n = 99').run();
    older.pragma('user_version = 0');
    older.close();

    const upgraded = openReadModelDb(path);
    const applied = await new ProjectionRunner(store, upgraded, [counting('one')], clock).catchUp();
    upgraded.close();
    const reopened = openReadModelDb(path);
    const again = await new ProjectionRunner(store, reopened, [counting('one')], clock).catchUp();

    expect([applied, counts(reopened, 'one'), again]).toEqual([2, { 'ticket-a': 2 }, 0]);
    reopened.close();
    await store.close();
  });
});
