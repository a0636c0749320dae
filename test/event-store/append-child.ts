import { randomUUID } from 'node:crypto';
import { ConcurrencyConflict, type NewEvent, SqliteEventStore } from '@app/event-store';

/**
 * Appends batches to one stream of a SQLite file and reports each acknowledged append on stdout as
 * `ack <stream> <last revision> <id>,<id>,…`. `until-killed` appends forever at the expected revision;
 * `contend <count>` appends `count` batches to a stream other processes also write, retrying on conflicts.
 */
const [path, stream, batchSizeArg, mode, countArg] = process.argv.slice(2);
if (!path || !stream || !batchSizeArg || (mode !== 'until-killed' && mode !== 'contend')) {
  throw new Error('usage: append-child <file> <stream> <batch size> until-killed|contend <count>');
}
const batchSize = Number(batchSizeArg);
const count = mode === 'contend' ? Number(countArg) : Infinity;

const aBatch = (): NewEvent[] =>
  Array.from({ length: batchSize }, (_, i) => ({
    id: randomUUID(),
    type: 'TestEventRecorded',
    data: { pid: process.pid, i, padding: 'x'.repeat(200) },
    metadata: {
      correlationId: randomUUID(),
      causationId: null,
      actor: { id: `process-${process.pid}`, role: 'system' },
      recordedAt: '2026-11-30T19:00:00.000Z',
      schemaVersion: 1,
    },
  }));

const lastRevision = async (store: SqliteEventStore): Promise<number | null> => {
  for await (const event of store.readStream(stream, { direction: 'backwards', maxCount: 1 })) return event.revision;
  return null;
};

const run = async (): Promise<void> => {
  const store = SqliteEventStore.open(path);
  process.stdout.write('ready\n');
  let expected = await lastRevision(store);
  for (let acknowledged = 0; acknowledged < count;) {
    const batch = aBatch();
    try {
      const { nextExpectedRevision } = await store.append(stream, batch, { expectedRevision: expected ?? 'no-stream' });
      process.stdout.write(`ack ${stream} ${nextExpectedRevision} ${batch.map((event) => event.id).join(',')}\n`);
      expected = nextExpectedRevision;
      acknowledged++;
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
      expected = error.actualRevision;
    }
  }
  await store.close();
};

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
