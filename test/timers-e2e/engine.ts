import { UPCASTERS } from '@app/domain';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SystemClock } from '@app/clock';
import { type EventStore, type RecordedEvent, SqliteEventStore, withUpcasting } from '@app/event-store';
import { loadPolicyBook, type PolicyBook } from '@app/policy';
import { BullTimerScheduler, type Timer, TIMER_QUEUE } from '@app/scheduling';
import { type RoundTheClockTerms, roundTheClockPolicyDocument } from '@app/reactors/test-support/reactor.fixtures';
import { type RunningProcess, runApp } from '../support/process';
import { OwnRedis } from '../timers/support';

export const WEBHOOK_SECRET = 'a-webhook-secret-for-the-tests';

/**
 * One SQLite event store, a private redis-server (so that flushing or restarting it touches no one else) and worker
 * processes run from source; the test process writes tickets to the same store, as the API would.
 */
export class TimersEngine {
  private readonly workers = new Map<string, RunningProcess>();

  private constructor(
    readonly dir: string,
    readonly redis: OwnRedis,
    readonly store: EventStore,
    readonly policies: PolicyBook,
    private readonly extraEnv: Record<string, string>,
  ) {}

  readonly clock = new SystemClock();

  static async start(
    terms: readonly RoundTheClockTerms[],
    extraEnv: Record<string, string> = {},
  ): Promise<TimersEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'timers-e2e-'));
    const policiesDir = join(dir, 'policies');
    mkdirSync(policiesDir);
    terms.forEach((term, i) =>
      writeFileSync(join(policiesDir, `${i}.json`), JSON.stringify(roundTheClockPolicyDocument(term))),
    );
    const redis = await OwnRedis.start();
    // The test's own writes need not survive a power cut; the workers keep the default (FULL).
    const store = withUpcasting(SqliteEventStore.open(join(dir, 'events.db'), { synchronous: 'NORMAL' }), UPCASTERS);
    return new TimersEngine(dir, redis, store, loadPolicyBook(policiesDir), extraEnv);
  }

  env(name: string): Record<string, string> {
    return {
      EVENT_STORE_URL: `sqlite:${join(this.dir, 'events.db')}`,
      READ_MODELS_PATH: join(this.dir, `read-models-${name}.db`),
      POLICIES_DIR: join(this.dir, 'policies'),
      REDIS_URL: this.redis.url,
      ...this.extraEnv,
    };
  }

  async startWorker(name: string): Promise<RunningProcess> {
    const worker = runApp('worker', this.env(name));
    this.workers.set(name, worker);
    await worker.waitForLine(/"worker started"/, 30_000);
    return worker;
  }

  async stopWorker(name: string): Promise<void> {
    const worker = this.workers.get(name);
    this.workers.delete(name);
    if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
    worker.child.kill('SIGTERM');
    const { code } = await worker.exited;
    if (code !== 0) {
      throw new Error(`worker ${name} exited with ${code}:\n${worker.stdout().slice(-3_000)}${worker.stderr()}`);
    }
  }

  async kill(name: string): Promise<void> {
    const worker = this.workers.get(name);
    this.workers.delete(name);
    worker?.child.kill('SIGKILL');
    await worker?.exited;
  }

  async reconcileWithCli(): Promise<Record<string, number>> {
    const cli = runApp('cli', this.env('cli'), ['reconcile-timers']);
    const { code } = await cli.exited;
    if (code !== 0) throw new Error(`cli reconcile-timers exited with ${code}:\n${cli.stderr()}`);
    return JSON.parse(cli.stdout()) as Record<string, number>;
  }

  async events(...types: string[]): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readAll({ filter: { eventTypes: types } })) events.push(event);
    return events;
  }

  async pendingTimers(): Promise<readonly Timer[]> {
    const scheduler = await this.scheduler();
    try {
      return await scheduler.listPending();
    } finally {
      await scheduler.close();
    }
  }

  async scheduleDirectly(timer: Timer): Promise<void> {
    const scheduler = await this.scheduler();
    try {
      await scheduler.schedule(timer);
    } finally {
      await scheduler.close();
    }
  }

  /** On the private redis-server only. */
  async flushRedis(): Promise<void> {
    const redis = new Redis(this.redis.url, { maxRetriesPerRequest: 1 });
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const name of [...this.workers.keys()]) await this.stopWorker(name);
    await this.store.close();
    await this.redis.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private scheduler(): Promise<BullTimerScheduler> {
    return BullTimerScheduler.open(
      { redisUrl: this.redis.url, queueName: TIMER_QUEUE, onError: () => undefined },
      this.clock,
    );
  }
}

/**
 * How often these tests poll with `eventually`: slower than the unit tests, because the conditions here read the
 * whole log or queue and the workers need the CPU.
 */
export const POLL_MS = 250;

/** Per ticket, how many events of a type. */
export const countByTicket = (events: readonly RecordedEvent[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const event of events) {
    const { ticketId } = event.data as { ticketId: string };
    counts.set(ticketId, (counts.get(ticketId) ?? 0) + 1);
  }
  return counts;
};

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** Prints a measurement and keeps it in `test/artifacts` (not a pass/fail criterion). */
export const report = (name: string, figures: Record<string, unknown>): void => {
  const dir = join(__dirname, '..', 'artifacts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `timers-e2e-${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`timers-e2e ${name}: ${JSON.stringify(figures)}\n`);
};
