import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { SystemClock } from '@app/clock';
import { BullTimerScheduler, startBullTimerWorker, type Timer } from '@app/scheduling';
import { timerId } from '@app/domain';
import { Queue } from 'bullmq';
import { benchmarkReport, printReport } from '../report';
import { OwnRedis } from './own-redis';

const clock = new SystemClock();
const SINGLE = 20_000;
const IN_FLIGHT = 64;
const BULK = 100_000;
const BULK_CHUNK = 1_000;
const PROBES = 300;
const BURST = 5_000;
const ROUNDS = 5;

const nowMs = (): number => Date.parse(clock.now());
const at = (ms: number): string => new Date(ms).toISOString();
const failOnError = (error: Error): never => {
  throw error;
};

const timers = (count: number, dueAtMs: (i: number) => number): Timer[] =>
  Array.from({ length: count }, (_, i) => {
    const ticketId = randomUUID();
    const dueAt = at(dueAtMs(i));
    return {
      id: timerId('breach', ticketId, 'first-response', 1),
      dueAt,
      payload: { kind: 'breach', ticketId, clockId: 'first-response', generation: 1, dueAt },
    };
  });

const perSecond = (count: number, ms: number): number => Math.round((count * 1_000) / ms);

const timed = async (run: () => Promise<void>): Promise<number> => {
  const start = performance.now();
  await run();
  return performance.now() - start;
};

/** Runs `add` over every item with at most IN_FLIGHT calls awaiting at once. */
const windowed = async <T>(items: readonly T[], add: (item: T) => Promise<unknown>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await add(item);
      }
    }),
  );
};

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const waitUntil = async (what: string, condition: () => boolean, timeoutMs: number): Promise<void> => {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const openPair = async (url: string) => {
  const queueName = `bench-${randomUUID()}`;
  const scheduler = await BullTimerScheduler.open({ redisUrl: url, queueName, onError: failOnError }, clock);
  const raw = new Queue(queueName, {
    connection: { url, enableOfflineQueue: false },
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 3_600 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  await raw.waitUntilReady();
  return { scheduler, raw };
};

type Adder = (pair: Awaited<ReturnType<typeof openPair>>, chunk: readonly Timer[]) => Promise<void>;

/**
 * Port against raw BullMQ on the same timers and delays, chunk by chunk in alternating order, so that both sides
 * see the same load on a shared machine; the ratio is taken per round, and the median of ROUNDS is reported.
 */
const compare = async (url: string, count: number, chunkSize: number, port: Adder, raw: Adder) => {
  const rounds: { port: number; raw: number; ratio: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = nowMs() + 3_600_000;
    const pair = await openPair(url);
    let portMs = 0;
    let rawMs = 0;
    for (const [index, chunk] of chunks(
      timers(count, (i) => base + i),
      chunkSize,
    ).entries()) {
      const timePort = async () => void (portMs += await timed(() => port(pair, chunk)));
      const timeRaw = async () => void (rawMs += await timed(() => raw(pair, chunk)));
      if (index % 2 === 0) {
        await timeRaw();
        await timePort();
      } else {
        await timePort();
        await timeRaw();
      }
    }
    await pair.scheduler.destroy();
    await pair.scheduler.close();
    await pair.raw.close();
    rounds.push({ port: perSecond(count, portMs), raw: perSecond(count, rawMs), ratio: rawMs / portMs });
  }
  const ratio = median(rounds.map((r) => r.ratio));
  return { port: median(rounds.map((r) => r.port)), raw: median(rounds.map((r) => r.raw)), ratio, rounds };
};

const rawJob = (t: Timer) => ({
  name: t.payload.kind,
  data: t.payload,
  opts: { jobId: `raw-${t.id}`, delay: Math.max(0, Date.parse(t.dueAt) - nowMs()) },
});

const schedulingThroughput = (url: string) =>
  compare(
    url,
    SINGLE,
    1_000,
    (pair, chunk) => windowed(chunk, (t) => pair.scheduler.schedule(t)),
    (pair, chunk) =>
      windowed(chunk, (t) => {
        const job = rawJob(t);
        return pair.raw.add(job.name, job.data, job.opts);
      }),
  );

const bulkThroughput = (url: string) =>
  compare(
    url,
    BULK / 2,
    BULK_CHUNK,
    (pair, chunk) => pair.scheduler.scheduleMany(chunk),
    async (pair, chunk) => void (await pair.raw.addBulk(chunk.map(rawJob))),
  );

/**
 * With `background` timers pending an hour out, schedules `count` probe timers due `dueAtMs(i)` and measures, for
 * each, how late the handler saw it (handler time − due instant).
 */
const lateness = async (
  redis: OwnRedis,
  background: number,
  count: number,
  dueAtMs: (start: number, i: number) => number,
) => {
  const queueName = `bench-${randomUUID()}`;
  const scheduler = await BullTimerScheduler.open({ redisUrl: redis.url, queueName, onError: failOnError }, clock);
  const memoryBefore = await redis.usedMemory();
  const far = nowMs() + 3_600_000;
  for (const chunk of chunks(
    timers(background, (i) => far + i),
    BULK_CHUNK,
  ))
    await scheduler.scheduleMany(chunk);
  const memoryAfter = await redis.usedMemory();
  const late: number[] = [];
  const firedAt: number[] = [];
  const worker = await startBullTimerWorker({
    redisUrl: redis.url,
    queueName,
    concurrency: 64,
    onError: failOnError,
    handler: async (timer) => {
      const now = nowMs();
      firedAt.push(now);
      late.push(now - Date.parse(timer.dueAt));
    },
  });
  const start = nowMs();
  const probes = timers(count, (i) => dueAtMs(start, i));
  for (const chunk of chunks(probes, BULK_CHUNK)) await scheduler.scheduleMany(chunk);
  await waitUntil(`${count} probes`, () => late.length === count, 60_000);
  await worker.close();
  await scheduler.destroy();
  await scheduler.close();
  const sorted = [...late].sort((a, b) => a - b);
  return {
    pending: background,
    probes: count,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    drainedMs: Math.max(...firedAt) - Math.min(...probes.map((t) => Date.parse(t.dueAt))),
    bytesPerPendingTimer: background > 0 ? Math.round((memoryAfter - memoryBefore) / background) : undefined,
  };
};

/** Redis checks blocking-command timeouts on its event loop, which wakes `hz` times a second (10 by default). */
const latenessAtHz100 = async () => {
  const redis = await OwnRedis.start(['--hz', '100']);
  try {
    const spread = (start: number, i: number) => start + 1_000 + Math.floor((i * 3_000) / PROBES);
    const strip = <R extends { drainedMs: number }>({ drainedMs: _, ...run }: R) => run;
    return {
      with10kPending: strip(await lateness(redis, 10_000, PROBES, spread)),
      with100kPending: strip(await lateness(redis, 100_000, PROBES, spread)),
    };
  } finally {
    await redis.stop();
  }
};

const main = async (): Promise<void> => {
  const loadAverageAtStart = loadavg().map((load) => Math.round(load * 100) / 100);
  const redis = await OwnRedis.start();
  try {
    const single = await schedulingThroughput(redis.url);
    const bulk = await bulkThroughput(redis.url);
    const spread = (start: number, i: number) => start + 1_000 + Math.floor((i * 3_000) / PROBES);
    const with10k = await lateness(redis, 10_000, PROBES, spread);
    const with100k = await lateness(redis, 100_000, PROBES, spread);
    const burst = await lateness(redis, 0, BURST, (start) => start + 2_000);
    const strip = <R extends { drainedMs: number }>({ drainedMs: _, ...run }: R) => run;
    printReport(
      benchmarkReport(
        'timers',
        {
          loadAverageAtStart,
          loadAverageAtEnd: loadavg().map((load) => Math.round(load * 100) / 100),
          redis: 'dedicated redis-server, no persistence, default hz 10 unless named, same machine',
          scheduling: {
            timersPerSecond: single,
            note: `${SINGLE} timers, ${IN_FLIGHT} calls in flight, interleaved by 1000, median ratio of ${ROUNDS} rounds`,
          },
          bulkScheduling: {
            timersPerSecond: bulk,
            note: `${BULK / 2} timers in addBulk chunks of ${BULK_CHUNK}, interleaved, median ratio of ${ROUNDS} rounds`,
          },
          breachLateness: { with10kPending: strip(with10k), with100kPending: strip(with100k) },
          breachLatenessWithRedisHz100: await latenessAtHz100(),
          burst: { ...burst, dueInSameInstant: BURST },
          redisBytesPerPendingTimer: with100k.bytesPerPendingTimer,
          worker: 'one worker process, concurrency 64, handler records its lateness only',
        },
        [
          { metric: 'scheduling port/raw', value: single.ratio, op: '>=', target: 0.8 },
          { metric: 'bulk port/raw', value: bulk.ratio, op: '>=', target: 0.8 },
          { metric: 'p50 lateness ms, 10k pending', value: with10k.p50Ms, op: '<=', target: 50 },
          { metric: 'p99 lateness ms, 10k pending', value: with10k.p99Ms, op: '<=', target: 1_000 },
          { metric: 'p50 lateness ms, 100k pending', value: with100k.p50Ms, op: '<=', target: 50 },
          { metric: 'p99 lateness ms, 100k pending', value: with100k.p99Ms, op: '<=', target: 1_000 },
          { metric: 'burst of 5000 drained ms', value: burst.drainedMs, op: '<=', target: 5_000 },
        ],
      ),
    );
  } finally {
    await redis.stop();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:timers failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
