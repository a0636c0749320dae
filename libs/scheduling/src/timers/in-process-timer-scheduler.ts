import type { Clock } from '@app/clock';
import { PermanentJobFailure, type RetryPolicy } from '../jobs/bull-jobs';
import { DEFAULT_TIMER_RETRY } from './bull-timer-scheduler';
import { MinHeap } from './min-heap';
import { assertValidTimerId, delayUntil, type Timer } from './timer';
import type { TimerHandler, TimerScheduler } from './timer-scheduler.port';

/** Node's setTimeout fires at once for delays above 2^31 − 1 ms (about 24.8 days): longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Entry {
  readonly timer: Timer;
  /** On the monotonic clock, so that wall-clock jumps after scheduling do not move the timer. */
  readonly dueMs: number;
  readonly seq: number;
  readonly attempt: number;
}

export interface InProcessTimerOptions {
  readonly handler: TimerHandler;
  /** Receives a timer whose handler failed on every attempt, or threw a {@link PermanentJobFailure}. */
  readonly onFailure: (timer: Timer, error: unknown) => void;
  readonly retry?: RetryPolicy;
}

/**
 * Timers for the embedded mode, without Redis: one `setTimeout` for the earliest timer of a min-heap. Nothing survives
 * a restart, so the timer reactor schedules every timer the log implies again at start.
 */
export class InProcessTimerScheduler implements TimerScheduler {
  private readonly heap = new MinHeap<Entry>((a, b) => a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq));
  private readonly pending = new Map<string, Entry>();
  private readonly running = new Set<Promise<void>>();
  private readonly retry: RetryPolicy;
  private armed: { readonly timeout: NodeJS.Timeout; readonly atMs: number } | undefined;
  private seq = 0;
  private isClosed = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: InProcessTimerOptions,
  ) {
    this.retry = options.retry ?? DEFAULT_TIMER_RETRY;
  }

  async schedule(timer: Timer): Promise<void> {
    this.add(timer);
    this.arm();
  }

  async scheduleMany(timers: readonly Timer[]): Promise<void> {
    for (const timer of timers) this.add(timer);
    this.arm();
  }

  async cancel(id: string): Promise<boolean> {
    const isPending = this.pending.delete(id);
    if (this.heap.size > 2 * this.pending.size + 1_024) this.heap.retain((entry) => this.isLive(entry));
    return isPending;
  }

  async listPending(): Promise<readonly Timer[]> {
    return [...this.pending.values()].map((entry) => entry.timer);
  }

  async listPendingIds(): Promise<readonly string[]> {
    return [...this.pending.keys()];
  }

  /** Stops firing and waits for the handlers already running. */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.armed) clearTimeout(this.armed.timeout);
    this.armed = undefined;
    this.pending.clear();
    this.heap.retain(() => false);
    await Promise.allSettled([...this.running]);
  }

  private add(timer: Timer): void {
    assertValidTimerId(timer.id);
    if (this.isClosed || this.pending.has(timer.id)) return;
    this.enqueue(timer, delayUntil(timer.dueAt, this.clock.now()), 1);
  }

  private enqueue(timer: Timer, delayMs: number, attempt: number): void {
    const entry = { timer, dueMs: performance.now() + delayMs, seq: this.seq++, attempt };
    this.pending.set(timer.id, entry);
    this.heap.push(entry);
  }

  private isLive(entry: Entry): boolean {
    return this.pending.get(entry.timer.id) === entry;
  }

  private earliest(): Entry | undefined {
    let top = this.heap.peek();
    while (top !== undefined && !this.isLive(top)) {
      this.heap.pop();
      top = this.heap.peek();
    }
    return top;
  }

  private arm(): void {
    const top = this.earliest();
    if (this.isClosed || top === undefined) return;
    const now = performance.now();
    const atMs = Math.min(top.dueMs, now + MAX_TIMEOUT_MS);
    if (this.armed && this.armed.atMs <= atMs) return;
    if (this.armed) clearTimeout(this.armed.timeout);
    const timeout = setTimeout(() => this.fire(), Math.max(0, atMs - now));
    timeout.unref();
    this.armed = { timeout, atMs };
  }

  private fire(): void {
    this.armed = undefined;
    const now = performance.now();
    for (let top = this.earliest(); top !== undefined && top.dueMs <= now; top = this.earliest()) {
      this.heap.pop();
      this.pending.delete(top.timer.id);
      this.run(top);
    }
    this.arm();
  }

  private run(entry: Entry): void {
    const attempt = { attempt: entry.attempt, maxAttempts: this.retry.attempts };
    const done = this.options.handler(entry.timer, attempt).then(
      () => undefined,
      (error: unknown) => this.retryOrGiveUp(entry, error),
    );
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
  }

  /**
   * A timer scheduled again while it ran (the reactor saw the event it waited for) is left to that schedule, and one
   * that fails as the scheduler closes is armed again from the log at the next start: neither has failed for good.
   */
  private retryOrGiveUp(entry: Entry, error: unknown): void {
    if (this.isClosed || this.pending.has(entry.timer.id)) return;
    if (entry.attempt >= this.retry.attempts || error instanceof PermanentJobFailure) {
      this.options.onFailure(entry.timer, error);
      return;
    }
    this.enqueue(entry.timer, this.retry.backoffMs * 2 ** (entry.attempt - 1), entry.attempt + 1);
    this.arm();
  }
}
