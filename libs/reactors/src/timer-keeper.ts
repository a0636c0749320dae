import { performance } from 'node:perf_hooks';
import { type RedisChange, restoreMissingTimers, type Timer, type TimerScheduler } from '@app/scheduling';

/** Why the pending timers are checked against the open clocks. */
export type RestoreReason = RedisChange | { readonly kind: 'periodic' };

export interface TimerKeeperLogger {
  log(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface TimerKeeperOptions {
  readonly scheduler: TimerScheduler;
  /** The timers the open clocks imply, read once they have caught up with the timer reactor. */
  readonly implied: () => Promise<readonly Timer[]>;
  readonly logger: TimerKeeperLogger;
  /** The longest wait between two tries of a restoration that failed (Redis still away). */
  readonly maxBackoffMs: number;
  /** A monotonic clock in milliseconds, to measure what checks cost (default `performance.now`). */
  readonly monotonicMs?: () => number;
}

const FIRST_BACKOFF_MS = 250;
/**
 * The share of the process's time periodic checks may take: one over a hundred thousand open clocks costs seconds, so
 * the next waits until that cost is this share of the time since; a check for a change of Redis is never put off.
 */
const PERIODIC_TIME_SHARE = 0.01;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A restart says the data is gone: it outweighs a reconnection or a periodic check asked for meanwhile. */
const weightier = (a: RestoreReason | undefined, b: RestoreReason): RestoreReason =>
  a?.kind === 'restarted' && b.kind !== 'restarted' ? a : b;

/**
 * Keeps every timer the open clocks imply pending while the reactors run: when Redis may have lost them (restarted,
 * reconnected) and periodically, it schedules the missing ones, never cancelling (see {@link restoreMissingTimers}).
 * One restoration runs at a time; a failed one is tried again with capped backoff until it succeeds or the keeper
 * stops. A restart is logged once as a warning, saying what was lost and how much was restored; any other check only
 * when it restored something.
 */
export class TimerKeeper {
  private next: RestoreReason | undefined;
  private running: Promise<void> | undefined;
  private isStopping = false;
  private wakeUp: (() => void) | undefined;
  private lastPeriodic: { readonly endedAtMs: number; readonly tookMs: number } | undefined;

  private readonly monotonicMs: () => number;

  constructor(private readonly options: TimerKeeperOptions) {
    this.monotonicMs = options.monotonicMs ?? (() => performance.now());
  }

  /** Asks for a restoration; resolves when the one that covers it has ended. */
  request(reason: RestoreReason): Promise<void> {
    if (reason.kind === 'periodic' && this.isPeriodicTooSoon()) return this.running ?? Promise.resolve();
    this.next = weightier(this.next, reason);
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.isStopping = true;
    this.wakeUp?.();
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.next && !this.isStopping) {
      const reason = this.next;
      this.next = undefined;
      const startedAtMs = this.monotonicMs();
      await this.restore(reason);
      const endedAtMs = this.monotonicMs();
      if (reason.kind === 'periodic') this.lastPeriodic = { endedAtMs, tookMs: endedAtMs - startedAtMs };
    }
  }

  private isPeriodicTooSoon(): boolean {
    if (!this.lastPeriodic) return false;
    const { endedAtMs, tookMs } = this.lastPeriodic;
    return this.monotonicMs() - endedAtMs < tookMs / PERIODIC_TIME_SHARE;
  }

  private async restore(reason: RestoreReason): Promise<void> {
    const { logger } = this.options;
    for (let failures = 0; !this.isStopping; failures += 1) {
      try {
        const report = await restoreMissingTimers(this.options.scheduler, await this.options.implied());
        if (failures > 0) logger.log(`timers restored after ${failures} failed tries`);
        if (reason.kind === 'restarted') {
          logger.warn(
            `Redis lost its data (run_id ${reason.previousRunId} is now ${reason.runId}): ${report.pending} timers were pending of ${report.implied} the open clocks imply; ${report.added} restored`,
          );
        } else if (report.added > 0) {
          logger.log(
            `timers reconciled (${reason.kind}): ${report.added} missing added of ${report.implied} the open clocks imply`,
          );
        } else {
          logger.debug(`timers reconciled (${reason.kind}): all ${report.implied} pending`);
        }
        return;
      } catch (error) {
        const waitMs = Math.min(FIRST_BACKOFF_MS * 2 ** failures, this.options.maxBackoffMs);
        if (failures === 0) {
          logger.warn(
            `timers could not be reconciled (${reason.kind}): ${describe(error)}; trying again with backoff up to ${this.options.maxBackoffMs} ms`,
          );
        }
        await this.pause(waitMs);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
