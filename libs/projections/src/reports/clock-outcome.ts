import type { Instant } from '@app/clock';
import type { ClockStopReason } from '@app/domain';

/** A first-response clock as the reports keep it: its last snapshot, its first response and its breach. */
export interface ReportClock {
  readonly ticketId: string;
  readonly customerId: string;
  readonly plan: string;
  readonly channel: string;
  readonly policyVersion: string;
  readonly receivedAt: Instant;
  readonly status: 'Running' | 'Paused' | 'Stopped';
  readonly stoppedBecause: ClockStopReason | null;
  /** The deadline in force: while running, or when the first response came; `null` while paused. */
  readonly deadline: Instant | null;
  readonly respondedAt: Instant | null;
  readonly respondedBy: string | null;
  readonly responseOutcome: 'met' | 'missed' | 'not-applicable' | null;
  /** Support minutes from receipt to the first response, pauses included. */
  readonly supportMinutes: number | null;
  /** The deadline a recorded breach passed. */
  readonly breachDeadline: Instant | null;
}

export type ClockOutcome = 'met' | 'missed' | 'open' | 'not-applicable';

/**
 * What a clock counts as in the compliance figures at `now`. Answered: the outcome its first response recorded. Not
 * answered: out of scope or waived is not applicable, a recorded breach or a running clock past its deadline is
 * missed, any other stopped clock is not applicable, and a clock paused or not yet due is open.
 */
export const clockOutcome = (clock: ReportClock, now: Instant): ClockOutcome => {
  if (clock.responseOutcome) return clock.responseOutcome;
  if (clock.stoppedBecause === 'out-of-scope' || clock.stoppedBecause === 'waived') return 'not-applicable';
  if (clock.breachDeadline) return 'missed';
  if (clock.status === 'Stopped') return 'not-applicable';
  if (clock.status === 'Running' && clock.deadline && Date.parse(clock.deadline) <= Date.parse(now)) return 'missed';
  return 'open';
};

/**
 * The instant that places a clock in a period: a clock met in the period it was answered, any other in the period its
 * deadline fell in (`null`, in no period, while it has no deadline).
 */
export const periodInstantOf = (clock: ReportClock, outcome: ClockOutcome): Instant | null => {
  if (outcome === 'met') return clock.respondedAt;
  return clock.breachDeadline ?? clock.deadline;
};
