import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type NewEvent, SqliteEventStore } from '@app/event-store';
import { benchmarkReport, printReport, type Target } from '../report';

type Synchronous = 'FULL' | 'NORMAL';

const ROUNDS = 3;
const READ_EVENTS = 1_000_000;
const APPENDED_EVENTS: Record<Synchronous, number> = { FULL: 1_500, NORMAL: 15_000 };

const directory = mkdtempSync(join(tmpdir(), 'bench-event-store-'));
let files = 0;
const aFile = (): string => join(directory, `events-${files++}.db`);

const anEvent = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'SlaClockStarted',
  data: { ticketId: `t-${n}`, clockId: 'first-response', deadline: '2026-11-30T19:00:00.000Z', allowanceMinutes: 240 },
  metadata: {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: 'agent-17', role: 'agent' },
    recordedAt: '2026-11-30T15:00:00.000Z',
    schemaVersion: 1,
  },
});

/** The rows the store writes for these events, built before timing: the raw side only inserts. */
const rowsOf = (stream: string, events: readonly NewEvent[]): unknown[][] =>
  events.map((event, revision) => [
    stream,
    revision,
    event.id,
    event.type,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
  ]);

/** A file with the store's schema, opened raw with the store's pragmas. */
const rawDatabase = async (path: string, synchronous: Synchronous): Promise<Database.Database> => {
  await SqliteEventStore.open(path).close();
  const db = new Database(path, { timeout: 5_000 });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
};

const INSERT = 'INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)';

const storeAppends = async (synchronous: Synchronous, batchSize: number, count: number): Promise<number> => {
  const events = Array.from({ length: count }, (_, n) => anEvent(n));
  const store = SqliteEventStore.open(aFile(), { synchronous });
  const started = performance.now();
  for (let i = 0; i < count; i += batchSize) {
    await store.append('ticket-1', events.slice(i, i + batchSize), { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
  }
  const seconds = (performance.now() - started) / 1_000;
  await store.close();
  return count / seconds;
};

const rawAppends = async (synchronous: Synchronous, batchSize: number, count: number): Promise<number> => {
  const rows = rowsOf(
    'ticket-1',
    Array.from({ length: count }, (_, n) => anEvent(n)),
  );
  const db = await rawDatabase(aFile(), synchronous);
  const insert = db.prepare(INSERT);
  const insertBatch = db.transaction((batch: unknown[][]) => {
    for (const row of batch) insert.run(...row);
  });
  const started = performance.now();
  for (let i = 0; i < count; i += batchSize) insertBatch(rows.slice(i, i + batchSize));
  const seconds = (performance.now() - started) / 1_000;
  db.close();
  return count / seconds;
};

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Store and raw alternate, round after round, so that both see the same machine load; medians are kept. */
const compare = async (store: () => Promise<number>, raw: () => Promise<number>) => {
  const storeRates: number[] = [];
  const rawRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawRates.push(await raw());
    storeRates.push(await store());
  }
  const storeRate = Math.round(median(storeRates));
  const rawRate = Math.round(median(rawRates));
  return { store: storeRate, raw: rawRate, ratio: Number((storeRate / rawRate).toFixed(2)) };
};

const populate = async (path: string): Promise<void> => {
  const db = await rawDatabase(path, 'NORMAL');
  const insert = db.prepare(INSERT);
  const insertBatch = db.transaction((from: number) => {
    for (let n = from; n < from + 10_000; n++) {
      const event = anEvent(n);
      insert.run(
        `ticket-${n % 1_000}`,
        Math.floor(n / 1_000),
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      );
    }
  });
  for (let from = 0; from < READ_EVENTS; from += 10_000) insertBatch(from);
  db.close();
};

const fullReads = async (path: string) => {
  const store = SqliteEventStore.open(path);
  const db = new Database(path, { readonly: true });
  const scan = db.prepare('SELECT position, stream, revision, id, type, data, metadata FROM events ORDER BY position');
  const timed = async (read: () => Promise<number>): Promise<number> => {
    const started = performance.now();
    const count = await read();
    if (count !== READ_EVENTS) throw new Error(`read ${count} events, expected ${READ_EVENTS}`);
    return count / ((performance.now() - started) / 1_000);
  };
  const readStore = () =>
    timed(async () => {
      let count = 0;
      for await (const event of store.readAll()) if (event.position > 0) count++;
      return count;
    });
  const rawScan = () =>
    timed(async () => {
      let count = 0;
      for (const row of scan.iterate() as Iterable<{ position: number }>) if (row.position > 0) count++;
      return count;
    });
  const rawScanParsed = () =>
    timed(async () => {
      let count = 0;
      for (const row of scan.iterate() as Iterable<{ position: number; data: string; metadata: string }>) {
        JSON.parse(row.data);
        JSON.parse(row.metadata);
        if (row.position > 0) count++;
      }
      return count;
    });
  const plain = await compare(readStore, rawScan);
  const parsedRaw: number[] = [];
  for (let round = 0; round < ROUNDS; round++) parsedRaw.push(await rawScanParsed());
  await store.close();
  db.close();
  return { ...plain, rawParsingJson: Math.round(median(parsedRaw)) };
};

const main = async (): Promise<void> => {
  const results: Record<string, unknown> = { unit: 'events per second', roundsPerMeasure: ROUNDS };
  const targets: Target[] = [];
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    for (const [name, batchSize, target] of [
      ['single', 1, 0.5],
      ['batch10', 10, 0.7],
      ['batch100', 100, 0.7],
    ] as const) {
      const count = APPENDED_EVENTS[synchronous] * (batchSize === 1 ? 1 : 10);
      const result = await compare(
        () => storeAppends(synchronous, batchSize, count),
        () => rawAppends(synchronous, batchSize, count),
      );
      results[`append.${synchronous}.${name}`] = { events: count, ...result };
      targets.push({ metric: `append.${synchronous}.${name}.ratio`, value: result.ratio, op: '>=', target });
    }
  }
  const readFile = aFile();
  await populate(readFile);
  const read = await fullReads(readFile);
  results.fullRead = { events: READ_EVENTS, ...read };
  targets.push({ metric: 'fullRead.ratio', value: read.ratio, op: '>=', target: 0.5 });
  printReport(benchmarkReport('event-store', results, targets));
};

main()
  .finally(() => rmSync(directory, { recursive: true, force: true }))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
