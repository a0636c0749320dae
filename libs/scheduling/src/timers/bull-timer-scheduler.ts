import type { Clock } from '@app/clock';
import {
  BullJobQueue,
  BullJobWorker,
  type ErrorListener,
  type QueueLocation,
  type RetryPolicy,
} from '../jobs/bull-jobs';
import { assertValidTimerId, delayUntil, type Timer, timerPayloadSchema } from './timer';
import type { TimerHandler, TimerScheduler } from './timer-scheduler.port';

/** Ten tries over about 17 minutes (1 s, 2 s, 4 s, …). */
export const DEFAULT_TIMER_RETRY: RetryPolicy = { attempts: 10, backoffMs: 1_000 };

export interface BullTimerSchedulerOptions extends QueueLocation {
  readonly retry?: RetryPolicy;
  readonly onError: ErrorListener;
}

const toJob = (timer: Timer, now: string) => {
  assertValidTimerId(timer.id);
  return { id: timer.id, name: timer.payload.kind, data: timer.payload, delayMs: delayUntil(timer.dueAt, now) };
};

/** Timers as BullMQ delayed jobs: job id = timer id, so a second schedule of the same id is a no-op. */
export class BullTimerScheduler implements TimerScheduler {
  private constructor(
    private readonly queue: BullJobQueue<Timer['payload']>,
    private readonly clock: Clock,
  ) {}

  static async open(options: BullTimerSchedulerOptions, clock: Clock): Promise<BullTimerScheduler> {
    const queue = await BullJobQueue.open<Timer['payload']>({
      ...options,
      retry: options.retry ?? DEFAULT_TIMER_RETRY,
    });
    return new BullTimerScheduler(queue, clock);
  }

  async schedule(timer: Timer): Promise<void> {
    await this.queue.add(toJob(timer, this.clock.now()));
  }

  async scheduleMany(timers: readonly Timer[]): Promise<void> {
    const now = this.clock.now();
    await this.queue.addMany(timers.map((timer) => toJob(timer, now)));
  }

  async cancel(id: string): Promise<boolean> {
    return this.queue.remove(id);
  }

  /** Pending jobs whose data is a timer payload; anything else in the queue is not a timer and is left out. */
  async listPending(): Promise<readonly Timer[]> {
    return (await this.queue.listPending()).flatMap((job) => {
      const parsed = timerPayloadSchema.safeParse(job.data);
      return parsed.success ? [{ id: job.id, dueAt: parsed.data.dueAt, payload: parsed.data }] : [];
    });
  }

  /** Every pending job's id, timer or not: an id that is not a timer's is an orphan to reconciliation. */
  async listPendingIds(): Promise<readonly string[]> {
    return this.queue.listPendingIds();
  }

  async countPending(): Promise<number> {
    return this.queue.countPending();
  }

  async destroy(): Promise<void> {
    await this.queue.destroy();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface BullTimerWorkerOptions extends QueueLocation {
  readonly handler: TimerHandler;
  readonly onError: ErrorListener;
  readonly concurrency?: number;
}

/** Starts a worker that hands each due timer to `handler`; start several, in one process or many, to share the load. */
export const startBullTimerWorker = async (options: BullTimerWorkerOptions): Promise<BullJobWorker> =>
  BullJobWorker.start({
    ...options,
    schema: timerPayloadSchema,
    handle: (payload, { id, attempt, maxAttempts }) =>
      options.handler({ id, dueAt: payload.dueAt, payload }, { attempt, maxAttempts }),
  });
