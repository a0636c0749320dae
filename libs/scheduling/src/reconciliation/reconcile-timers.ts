import type { Timer } from '../timers/timer';
import type { TimerScheduler } from '../timers/timer-scheduler.port';

export interface TimerDiff {
  /** Implied by the log, not pending: to schedule. */
  readonly missing: readonly Timer[];
  /** Pending, not implied by the log: to cancel. */
  readonly orphans: readonly string[];
  /** Implied and pending. */
  readonly kept: number;
}

/** Compares the timers the log implies with the pending ones, by id. Pure. */
export const diffTimers = (implied: readonly Timer[], pending: readonly Pick<Timer, 'id'>[]): TimerDiff => {
  const impliedIds = new Set(implied.map((timer) => timer.id));
  const pendingIds = new Set(pending.map((timer) => timer.id));
  const missing = [...new Map(implied.filter((t) => !pendingIds.has(t.id)).map((t) => [t.id, t])).values()];
  const orphans = [...pendingIds].filter((id) => !impliedIds.has(id));
  return { missing, orphans, kept: impliedIds.size - missing.length };
};

export interface ReconciliationReport {
  readonly implied: number;
  readonly pending: number;
  readonly added: number;
  readonly removed: number;
  readonly kept: number;
  /** Orphans that could not be removed because they were firing at that moment. */
  readonly busy: number;
}

/** Brings the scheduler in line with the log: schedules the missing timers, cancels the orphans, reports counts. */
export const reconcileTimers = async (
  scheduler: TimerScheduler,
  implied: readonly Timer[],
): Promise<ReconciliationReport> => {
  const pending = (await scheduler.listPendingIds()).map((id) => ({ id }));
  const diff = diffTimers(implied, pending);
  await scheduler.scheduleMany(diff.missing);
  const removed = await Promise.all(diff.orphans.map((id) => scheduler.cancel(id)));
  const removedCount = removed.filter(Boolean).length;
  return {
    implied: new Set(implied.map((timer) => timer.id)).size,
    pending: pending.length,
    added: diff.missing.length,
    removed: removedCount,
    kept: diff.kept,
    busy: diff.orphans.length - removedCount,
  };
};

export interface RestorationReport {
  readonly implied: number;
  readonly pending: number;
  readonly added: number;
}

/**
 * Schedules the implied timers that are not pending, and cancels nothing: safe while the timer reactor is live, when
 * `implied` may come from a read model behind it (a timer it no longer implies, restored, fires and finds nothing to
 * do; one cancelled as an orphan because the read model had not seen its cause yet would be lost).
 */
export const restoreMissingTimers = async (
  scheduler: TimerScheduler,
  implied: readonly Timer[],
): Promise<RestorationReport> => {
  const pending = (await scheduler.listPendingIds()).map((id) => ({ id }));
  const { missing } = diffTimers(implied, pending);
  await scheduler.scheduleMany(missing);
  return { implied: new Set(implied.map((timer) => timer.id)).size, pending: pending.length, added: missing.length };
};
