import type { Instant } from '@app/clock';
import { DateTime } from 'luxon';
import { type Timer, type TimerKind, timerId } from '../timers/timer';

/** The part of `@app/calendar`'s `BusinessCalendar` that planning needs. */
export interface PlanningCalendar {
  addBusinessMinutes(start: DateTime, minutes: number): DateTime;
}

/** Per-plan escalation parameters (POLICY §7): defaults 75 %, 60 business minutes, the support manager. */
export interface EscalationParameters {
  readonly atRiskPercent: number;
  readonly escalationDelayMinutes: number;
  readonly recipients: readonly string[];
}

/** A running SLA clock as the timer reactor sees it after folding the ticket's events. */
export interface RunningClock {
  readonly ticketId: string;
  readonly clockId: string;
  /** Bumped by every pause, resume, relaxation, waiver or re-plan: a new generation gets new timer ids. */
  readonly generation: number;
  /** When the clock last started counting (received, or resumed). */
  readonly countingSince: Instant;
  /** Support minutes consumed before `countingSince` (before a pause). */
  readonly elapsedMinutes: number;
  readonly allowanceMinutes: number;
  /** The deadline recorded in the events; it is the breach instant, never recomputed here. */
  readonly deadline: Instant;
  readonly calendar: PlanningCalendar;
  readonly escalation: EscalationParameters;
  /** Outcomes already recorded for this clock: their timers are not planned again. */
  readonly recorded: { readonly atRisk: boolean; readonly breach: boolean; readonly escalation: boolean };
}

const toInstant = (at: DateTime): Instant => at.toUTC().toISO() as Instant;

const utc = (at: Instant): DateTime => DateTime.fromISO(at, { zone: 'utc' });

const earlier = (a: Instant, b: Instant): Instant => (Date.parse(a) <= Date.parse(b) ? a : b);

/**
 * The at-risk, breach and escalation timers of a running clock (POLICY §7): at-risk when `atRiskPercent` of the
 * allowance has elapsed (never after the deadline), breach at the deadline, escalation `escalationDelayMinutes`
 * support minutes after the deadline. Pure: the same clock always gives the same timers and ids.
 */
export const planTimers = (clock: RunningClock): Timer[] => {
  const { ticketId, clockId, generation, calendar, escalation } = clock;
  const atRiskMinutes = (clock.allowanceMinutes * escalation.atRiskPercent) / 100;
  const atRiskAt = earlier(
    toInstant(calendar.addBusinessMinutes(utc(clock.countingSince), Math.max(0, atRiskMinutes - clock.elapsedMinutes))),
    clock.deadline,
  );
  const escalationAt = toInstant(calendar.addBusinessMinutes(utc(clock.deadline), escalation.escalationDelayMinutes));
  const timer = (kind: TimerKind, dueAt: Instant, extra: { recipients?: readonly string[] } = {}): Timer => ({
    id: timerId(kind, ticketId, clockId, generation),
    dueAt,
    payload: { kind, ticketId, clockId, generation, dueAt, ...extra },
  });
  return [
    ...(clock.recorded.atRisk ? [] : [timer('at-risk', atRiskAt)]),
    ...(clock.recorded.breach ? [] : [timer('breach', clock.deadline)]),
    ...(clock.recorded.escalation ? [] : [timer('escalation', escalationAt, { recipients: escalation.recipients })]),
  ];
};
