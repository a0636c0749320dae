import {
  type BackoffOptions,
  type BackoffStrategy,
  type Job,
  type JobType,
  Queue,
  UnrecoverableError,
  Worker,
} from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { createRedisConnection, isReadyWithin, pingRedis, whenRedisReady } from '../redis/redis-connection';
import { cappedBackoffMs } from './retry-policy';

/** Where a queue lives: one Redis, one name, an optional key prefix (BullMQ's default is `bull`). */
export interface QueueLocation {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly prefix?: string;
}

/**
 * Exponential backoff: retry n waits `backoffMs * 2^(n-1)`, never more than `maxBackoffMs` when set; after `attempts`
 * tries the job is parked as failed.
 */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs?: number;
}

/** Receives connection errors, which BullMQ reports as events and recovers from by reconnecting. */
export type ErrorListener = (error: Error) => void;

/**
 * An {@link ErrorListener} that warns once per run of the same error: BullMQ repeats a connection error at every
 * reconnection attempt, and the connection itself logs when Redis is lost and back. Recovering is not an operator's
 * task, so the level is a warning.
 */
export const warnOncePerRun = (warn: (message: string) => void, what: string): ErrorListener => {
  let last: string | undefined;
  return (error) => {
    if (error.message === last) return;
    last = error.message;
    warn(`${what}: ${error.message}`);
  };
};

export interface JobQueueOptions extends QueueLocation {
  readonly retry: RetryPolicy;
  readonly onError: ErrorListener;
  /** How long a finished job keeps its id, so that adding it again is a no-op; default 3600. */
  readonly keepCompletedSeconds?: number;
  /** How long a job that failed for good stays visible in the failed set; default 7 days, `Infinity` until removed. */
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
  readonly maxAttempts: number;
  /** Epoch milliseconds at which the last try started. */
  readonly lastAttemptAtMs: number | undefined;
  /** Epoch milliseconds of the last failure. */
  readonly failedAtMs: number | undefined;
}

/** A job that failed at least once and will be tried again. */
export interface RetryingJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly lastError: string;
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  /** Epoch milliseconds at which the last try started. */
  readonly lastAttemptAtMs: number | undefined;
  /**
   * Epoch milliseconds of the next try at the earliest: the start of the last try plus its backoff (which runs from
   * the end of the try, and grows after each failure); in the past when the try is due or under way.
   */
  readonly nextAttemptAtMs: number | undefined;
}

/** What became of a request to retry a failed job: retried, or not failed (in the state given), or no such job. */
export type RetryOutcome = 'retried' | 'unknown' | Exclude<JobType, 'failed'>;

const PENDING_STATES: JobType[] = ['delayed', 'wait', 'prioritized', 'active'];

/** BullMQ hands the backoff types it does not know to the worker's strategy; the cap travels in the job's options. */
const CAPPED_EXPONENTIAL = 'capped-exponential';

interface CappedBackoff extends BackoffOptions {
  readonly delay: number;
  readonly maxDelay: number;
}

const backoffOf = ({ backoffMs, maxBackoffMs }: RetryPolicy): BackoffOptions => {
  if (maxBackoffMs === undefined) return { type: 'exponential', delay: backoffMs };
  const capped: CappedBackoff = { type: CAPPED_EXPONENTIAL, delay: backoffMs, maxDelay: maxBackoffMs };
  return capped;
};

/** -1 (fail for good, visible in the failed set) for a backoff this code did not write. */
const cappedBackoffStrategy: BackoffStrategy = (attemptsMade, type, _error, job) => {
  const backoff = job?.opts.backoff as Partial<CappedBackoff> | undefined;
  if (type !== CAPPED_EXPONENTIAL || typeof backoff?.delay !== 'number' || typeof backoff.maxDelay !== 'number') {
    return -1;
  }
  return cappedBackoffMs(attemptsMade, backoff.delay, backoff.maxDelay);
};

/** Pages keep each Redis round trip small when hundreds of thousands of timers are pending. */
const LIST_PAGE = 5_000;
const ADD_CHUNK = 2_000;
const ADDS_IN_FLIGHT = 4;

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

const keepFailed = (seconds: number): { age: number } | false => (Number.isFinite(seconds) ? { age: seconds } : false);

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
        backoff: backoffOf(options.retry),
        removeOnComplete: { age: options.keepCompletedSeconds ?? 3_600 },
        removeOnFail: keepFailed(options.keepFailedSeconds ?? 7 * 86_400),
      },
    });
    queue.on('error', options.onError);
    await queue.waitUntilReady();
    return new BullJobQueue<T>(queue, connection);
  }

  async add(job: NewJob<T>): Promise<void> {
    await this.queue.add(job.name, job.data, { jobId: job.id, delay: job.delayMs });
  }

  /**
   * In chunks of {@link ADD_CHUNK}, {@link ADDS_IN_FLIGHT} at a time, in the order given: this process encodes the next
   * chunks while Redis runs the scripts of the last, rather than one after the other (100 000 jobs: 6 s, not 10).
   */
  async addMany(jobs: readonly NewJob<T>[]): Promise<void> {
    let next = 0;
    const addChunks = async (): Promise<void> => {
      while (next < jobs.length) {
        const chunk = jobs.slice(next, (next += ADD_CHUNK));
        await this.queue.addBulk(
          chunk.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.id, delay: job.delayMs } })),
        );
      }
    };
    await Promise.all(Array.from({ length: ADDS_IN_FLIGHT }, addChunks));
  }

  /** Removes a job that is not running; `false` when there was none (or it is running right now). */
  async remove(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    return (await this.queue.remove(id)) === 1;
  }

  /** Jobs not finished yet: delayed, waiting or running. */
  async listPending(): Promise<QueuedJob[]> {
    return (await this.jobsIn(PENDING_STATES)).map(toQueued);
  }

  /** The ids of the jobs not finished yet, read from the state sets only, never from the jobs themselves. */
  async listPendingIds(): Promise<string[]> {
    const ids = new Set<string>();
    for (let start = 0; ; start += LIST_PAGE) {
      const page = await this.queue.getRanges(PENDING_STATES, start, start + LIST_PAGE - 1, true);
      for (const id of page) ids.add(id);
      if (page.length < LIST_PAGE) return [...ids];
    }
  }

  async countPending(): Promise<number> {
    const counts = await this.queue.getJobCounts(...PENDING_STATES);
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  /** Jobs that failed at least once and wait for, or are in, their next try. */
  async listRetrying(): Promise<RetryingJob[]> {
    return (await this.jobsIn(PENDING_STATES))
      .filter((job) => job.attemptsMade > 0)
      .map((job) => ({
        id: requireId(job),
        name: job.name,
        data: job.data as unknown,
        lastError: job.failedReason,
        attemptsMade: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
        lastAttemptAtMs: job.processedOn,
        nextAttemptAtMs: job.processedOn === undefined ? undefined : job.processedOn + (job.delay ?? 0),
      }));
  }

  async stateOf(id: string): Promise<JobType | 'unknown'> {
    return this.queue.getJobState(id);
  }

  async countFailed(): Promise<number> {
    return this.queue.getFailedCount();
  }

  /** Sends a failed job back to the queue with its attempts counted from zero, so it gets its whole retry policy. */
  async retryFailed(id: string): Promise<RetryOutcome> {
    const job = await this.queue.getJob(id);
    if (!job) return 'unknown';
    const state = await job.getState();
    if (state !== 'failed') return state;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 'retried';
    } catch (error) {
      // Retried by someone else meanwhile: say where it is now.
      const now = await job.getState();
      if (now === 'failed') throw error;
      return now;
    }
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
        maxAttempts: job.opts.attempts ?? 1,
        lastAttemptAtMs: job.processedOn,
        failedAtMs: job.finishedOn,
      }));
  }

  /**
   * One script reads the ids of a page in every state at once, so a job moving between these states meanwhile is seen
   * once, never missed; a page holds up to {@link LIST_PAGE} jobs of each state.
   */
  private async jobsIn(states: JobType[]): Promise<Job[]> {
    const byId = new Map<string, Job>();
    for (let start = 0; ; start += LIST_PAGE) {
      const jobs = await this.queue.getJobs(states, start, start + LIST_PAGE - 1, true);
      for (const job of jobs) if (job !== undefined) byId.set(requireId(job), job);
      if (jobs.length < LIST_PAGE) return [...byId.values()];
    }
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
  /** The try after which a failure parks the job in the failed set. */
  readonly maxAttempts: number;
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
          options.handle(parsed.data, {
            id,
            name: job.name,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? 1,
          }),
        );
      },
      {
        connection,
        concurrency: options.concurrency ?? 16,
        settings: { backoffStrategy: cappedBackoffStrategy },
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
