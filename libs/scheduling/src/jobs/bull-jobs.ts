import { type Job, type JobType, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { createRedisConnection, isReadyWithin, pingRedis, whenRedisReady } from '../redis/redis-connection';

/** Where a queue lives: one Redis, one name, an optional key prefix (BullMQ's default is `bull`). */
export interface QueueLocation {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly prefix?: string;
}

/** Exponential backoff: attempt n waits `backoffMs * 2^(n-1)`; after `attempts` tries the job is parked as failed. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

/** Receives connection errors, which BullMQ reports as events and recovers from by reconnecting. */
export type ErrorListener = (error: Error) => void;

export interface JobQueueOptions extends QueueLocation {
  readonly retry: RetryPolicy;
  readonly onError: ErrorListener;
  /** How long a finished job keeps its id, so that adding it again is a no-op; default 3600. */
  readonly keepCompletedSeconds?: number;
  /** How long a job that failed for good stays visible in the failed set; default 7 days. */
  readonly keepFailedSeconds?: number;
}

export interface NewJob<T> {
  readonly id: string;
  readonly name: string;
  readonly data: T;
  readonly delayMs: number;
}

export interface QueuedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  /** Epoch milliseconds at which the job becomes due. */
  readonly dueAtMs: number;
}

export interface FailedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly failedReason: string;
  readonly attemptsMade: number;
  /** Epoch milliseconds of the last failure. */
  readonly failedAtMs: number | undefined;
}

const PENDING_STATES: JobType[] = ['delayed', 'wait', 'prioritized', 'active'];

/** Pages keep each Redis round trip small when hundreds of thousands of timers are pending. */
const LIST_PAGE = 5_000;

/** Thrown when Redis does not answer at start: the message says where it looked. */
export class RedisUnavailable extends Error {
  readonly code = 'redis-unavailable';
  constructor(
    readonly redisUrl: string,
    readonly reason: string,
  ) {
    super(`Redis at ${redisUrl} does not answer: ${reason}`);
  }
}

const requireId = (job: Job): string => {
  if (job.id === undefined) throw new Error(`job of queue ${job.queueName} has no id`);
  return job.id;
};

const toQueued = (job: Job): QueuedJob => ({
  id: requireId(job),
  name: job.name,
  data: job.data as unknown,
  dueAtMs: job.timestamp + (job.delay ?? 0),
});

/** A BullMQ queue whose jobs carry caller-chosen ids: adding an id that already exists does nothing. */
export class BullJobQueue<T> {
  private constructor(
    private readonly queue: Queue,
    private readonly connection: Redis,
  ) {}

  /** Connects and waits until Redis answers (the queue connection buffers nothing while Redis is away). */
  static async open<T>(options: JobQueueOptions): Promise<BullJobQueue<T>> {
    const connection = createRedisConnection(options.redisUrl, 'queue');
    try {
      await whenRedisReady(connection, 3_000);
      await pingRedis(connection, 3_000);
    } catch (error) {
      connection.disconnect();
      throw new RedisUnavailable(options.redisUrl, error instanceof Error ? error.message : String(error));
    }
    const queue = new Queue(options.queueName, {
      connection,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      defaultJobOptions: {
        attempts: options.retry.attempts,
        backoff: { type: 'exponential', delay: options.retry.backoffMs },
        removeOnComplete: { age: options.keepCompletedSeconds ?? 3_600 },
        removeOnFail: { age: options.keepFailedSeconds ?? 7 * 86_400 },
      },
    });
    queue.on('error', options.onError);
    await queue.waitUntilReady();
    return new BullJobQueue<T>(queue, connection);
  }

  async add(job: NewJob<T>): Promise<void> {
    await this.queue.add(job.name, job.data, { jobId: job.id, delay: job.delayMs });
  }

  async addMany(jobs: readonly NewJob<T>[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.id, delay: job.delayMs } })),
    );
  }

  /** Removes a job that is not running; `false` when there was none (or it is running right now). */
  async remove(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    return (await this.queue.remove(id)) === 1;
  }

  /** Jobs not finished yet: delayed, waiting or running. */
  async listPending(): Promise<QueuedJob[]> {
    const byId = new Map<string, QueuedJob>();
    for (const state of PENDING_STATES) {
      for (let start = 0; ; start += LIST_PAGE) {
        const jobs = await this.queue.getJobs([state], start, start + LIST_PAGE - 1, true);
        for (const job of jobs) if (job !== undefined) byId.set(requireId(job), toQueued(job));
        if (jobs.length < LIST_PAGE) break;
      }
    }
    return [...byId.values()];
  }

  async countPending(): Promise<number> {
    const counts = await this.queue.getJobCounts(...PENDING_STATES);
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  /** Jobs parked after their last attempt (or refused as malformed), newest first. */
  async listFailed(): Promise<FailedJob[]> {
    const jobs = await this.queue.getFailed();
    return jobs
      .filter((job): job is Job => job !== undefined)
      .map((job) => ({
        id: requireId(job),
        name: job.name,
        data: job.data as unknown,
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
        failedAtMs: job.finishedOn,
      }));
  }

  /** Deletes the queue and every job in it (tests and benchmarks). */
  async destroy(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

export interface JobContext {
  readonly id: string;
  readonly name: string;
  /** 1 on the first try. */
  readonly attempt: number;
}

export interface JobWorkerOptions<T> extends QueueLocation {
  readonly schema: z.ZodType<T>;
  readonly handle: (data: T, context: JobContext) => Promise<void>;
  readonly onError: ErrorListener;
  /** Jobs handled at once by this worker; default 16. */
  readonly concurrency?: number;
}

/** Thrown (as BullMQ's `UnrecoverableError`) when a job's data does not match the schema: retrying cannot help. */
export class MalformedJob extends UnrecoverableError {
  readonly code = 'malformed-job';
  constructor(
    readonly jobId: string,
    readonly problems: string,
  ) {
    super(`job ${jobId} is malformed: ${problems}`);
  }
}

/** Throw it from a job handler when retrying cannot help: the job goes straight to the failed set. */
export class PermanentJobFailure extends UnrecoverableError {}

/** Thrown instead of running a job that arrives as the worker closes: the job stays active for another worker. */
class WorkerClosing extends Error {
  readonly code = 'worker-closing';
  constructor(readonly jobId: string) {
    super(`job ${jobId} arrived while the worker closes`);
  }
}

/** The handlers running now, so that closing can wait for them and refuse any job that arrives after. */
class RunningHandlers {
  private readonly running = new Set<Promise<void>>();
  private isStopped = false;

  run(jobId: string, handle: () => Promise<void>): Promise<void> {
    if (this.isStopped) throw new WorkerClosing(jobId);
    const running = handle().finally(() => this.running.delete(running));
    this.running.add(running);
    return running;
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    await Promise.allSettled(this.running);
  }
}

/** ioredis' default retry strategy waits at most 2 s between attempts: a Redis that is back reconnects within this. */
const RECONNECT_GRACE_MS = 3_000;

/**
 * Competes with the other workers of the queue for due jobs and hands each job's parsed data to `handle`.
 * Malformed data fails the job for good; any error thrown by `handle` is retried with the queue's backoff.
 */
export class BullJobWorker {
  private constructor(
    private readonly worker: Worker,
    private readonly connection: Redis,
    private readonly handlers: RunningHandlers,
  ) {}

  static async start<T>(options: JobWorkerOptions<T>): Promise<BullJobWorker> {
    const connection = createRedisConnection(options.redisUrl, 'worker');
    const handlers = new RunningHandlers();
    const worker = new Worker(
      options.queueName,
      async (job: Job) => {
        const id = requireId(job);
        const parsed = options.schema.safeParse(job.data);
        if (!parsed.success) throw new MalformedJob(id, parsed.error.message);
        await handlers.run(id, () =>
          options.handle(parsed.data, { id, name: job.name, attempt: job.attemptsMade + 1 }),
        );
      },
      {
        connection,
        concurrency: options.concurrency ?? 16,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      },
    );
    worker.on('error', options.onError);
    await worker.waitUntilReady();
    return new BullJobWorker(worker, connection, handlers);
  }

  /**
   * Takes no more jobs and waits for the handlers running. With Redis connected, BullMQ records how their jobs ended;
   * without it, their jobs stay active and BullMQ's stalled-job check hands them to another worker.
   */
  async close(): Promise<void> {
    // BullMQ's graceful close waits for its blocking connection to end, which never happens to a connection closed
    // while it waits to reconnect: https://github.com/taskforcesh/bullmq/issues/4656,
    // https://github.com/redis/ioredis/issues/1247
    const isConnected = await this.isConnectedWithin(RECONNECT_GRACE_MS);
    await this.worker.close(!isConnected);
    await this.handlers.stop();
    // QUIT lets the replies in flight arrive, but on a connection away from Redis it waits for a reconnection.
    if (this.connection.status === 'ready') await this.connection.quit().catch(() => this.connection.disconnect());
    else this.connection.disconnect();
  }

  /**
   * Read just before BullMQ disconnects: only promise callbacks run in between, and a connection starts reconnecting
   * only on a socket event.
   */
  private async isConnectedWithin(timeoutMs: number): Promise<boolean> {
    const backend = this.worker.getBackend();
    const clients = [await backend.client, ...(backend.blockingClient ? [await backend.blockingClient] : [])];
    const readiness = await Promise.all(clients.map((client) => isReadyWithin(client, timeoutMs)));
    return readiness.every(Boolean);
  }
}
