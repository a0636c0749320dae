import { initialTicketState, TICKET_CATEGORY, type TicketState } from '@app/domain';
import type { EventStore } from '@app/event-store';
import type { PolicySource } from '@app/policy';
import { diffTimers, type Timer, type TimerScheduler } from '@app/scheduling';
import { evolveStoredTicket, timersOfTicket } from './ticket-timers';

/** What `cli reconcile-timers` and a starting worker report. */
export interface LogReconciliation {
  /** Implied by the log and not pending: scheduled. */
  readonly added: number;
  /** Pending and not implied by the log: cancelled. */
  readonly removed: number;
  /** Implied by the log and already pending. */
  readonly unchanged: number;
  /** Orphans firing at that moment, which cannot be cancelled (their handler finds nothing to do). */
  readonly busy: number;
  /** The last ticket event read; the timer reactor can follow the log from there. */
  readonly position: number | undefined;
}

/** Every timer the log implies now: each ticket folded from its events, then planned. */
export const impliedTimers = async (
  store: EventStore,
  source: PolicySource,
): Promise<{ readonly timers: Timer[]; readonly position: number | undefined }> => {
  const tickets = new Map<string, TicketState>();
  let position: number | undefined;
  for await (const event of store.readAll({ filter: { streamPrefixes: [`${TICKET_CATEGORY}-`] } })) {
    tickets.set(event.stream, evolveStoredTicket(tickets.get(event.stream) ?? initialTicketState, event));
    position = event.position;
  }
  const policies = await source.current();
  return { timers: [...tickets.values()].flatMap((state) => timersOfTicket(state, policies)), position };
};

/**
 * Brings the scheduler in line with the log. The pending timers are listed before the log is read: a timer scheduled
 * meanwhile by another worker comes from an event this read sees, so it is never taken for an orphan.
 */
export const reconcileWithLog = async (
  store: EventStore,
  scheduler: TimerScheduler,
  policies: PolicySource,
): Promise<LogReconciliation> => {
  const pending = await scheduler.listPending();
  const { timers, position } = await impliedTimers(store, policies);
  const diff = diffTimers(timers, pending);
  await scheduler.scheduleMany(diff.missing);
  let removed = 0;
  for (const id of diff.orphans) if (await scheduler.cancel(id)) removed++;
  return {
    added: diff.missing.length,
    removed,
    unchanged: diff.kept,
    busy: diff.orphans.length - removed,
    position,
  };
};
