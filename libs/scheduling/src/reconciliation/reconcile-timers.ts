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

/** Many missing timers take seconds to schedule: those due first are pending first (UTC ISO instants sort as text). */
const soonestFirst = (timers: readonly Timer[]): Timer[] =>
  [...timers].sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));

export interface ReconciliationReport {
  readonly implied: number;
  readonly pending: number;
  readonly added: number;
  readonly removed: number;
  readonly kept: number;
  /** Orphans that could not be removed because they were firing at that moment. */
  readonly busy: number;
}

/** Missing timers scheduled per call, and calls in flight while the next timers are worked out. */
const SCHEDULE_CHUNK = 2_000;
const SCHEDULES_IN_FLIGHT = 4;

/**
 * Brings the scheduler in line with the log: schedules the missing timers, cancels the orphans, reports counts.
 * `implied` is read once, as the scheduler takes the missing timers found so far: working out the timers of a hundred
 * thousand open clocks and scheduling them overlap rather than follow each other. Give them soonest first to have the
 * first due pending first.
 */
export const reconcileTimers = async (
  scheduler: TimerScheduler,
  implied: Iterable<Timer>,
): Promise<ReconciliationReport> => {
  const pending = new Set(await scheduler.listPendingIds());
  const impliedIds = new Set<string>();
  const inFlight: Promise<void>[] = [];
  let chunk: Timer[] = [];
  let added = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const scheduling = scheduler.scheduleMany(chunk);
    // Not swallowed: every chunk is awaited below (the oldest when the window is full, the rest before returning), so
    // the first failure rejects the reconciliation and its caller logs it; this only marks it handled meanwhile.
    scheduling.catch(() => undefined);
    inFlight.push(scheduling);
    added += chunk.length;
    chunk = [];
    if (inFlight.length >= SCHEDULES_IN_FLIGHT) await inFlight.shift();
    // the scheduler's writes go out only when this loop lets the event loop turn
    else await new Promise((resolve) => setImmediate(resolve));
  };
  for (const timer of implied) {
    if (impliedIds.has(timer.id)) continue;
    impliedIds.add(timer.id);
    if (pending.has(timer.id)) continue;
    chunk.push(timer);
    if (chunk.length >= SCHEDULE_CHUNK) await flush();
  }
  await flush();
  await Promise.all(inFlight);
  const orphans = [...pending].filter((id) => !impliedIds.has(id));
  const removed = (await Promise.all(orphans.map((id) => scheduler.cancel(id)))).filter(Boolean).length;
  return {
    implied: impliedIds.size,
    pending: pending.size,
    added,
    removed,
    kept: impliedIds.size - added,
    busy: orphans.length - removed,
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
  await scheduler.scheduleMany(soonestFirst(missing));
  return { implied: new Set(implied.map((timer) => timer.id)).size, pending: pending.length, added: missing.length };
};
