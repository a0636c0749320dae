import type { Instant } from '@app/clock';
import { type Policy, planTerms, type Relaxation, type SupportCalendar } from '@app/policy';
import {
  type ClockStopReason,
  effectiveAllowanceMinutes,
  isCounting,
  type SlaClock,
  type SlaClockSnapshot,
} from './sla-clock';
import { assertNever } from '../domain-error';
import type { OpenedTicket, TicketState } from './ticket.state';

const later = (a: Instant, b: Instant): Instant => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Whole milliseconds, so that repeated sums of fractional minutes do not drift. */
const roundMinutes = (minutes: number): number => Math.round(minutes * 60_000) / 60_000;

/** Support minutes the clock has counted at `at`. */
export const elapsedMinutesAt = (clock: SlaClockSnapshot, calendar: SupportCalendar, at: Instant): number =>
  clock.status === 'Running'
    ? roundMinutes(clock.elapsedMinutes + calendar.supportMinutesBetween(clock.asOf, at))
    : clock.elapsedMinutes;

export const remainingMinutes = (clock: SlaClockSnapshot, elapsedMinutes: number): number =>
  Math.max(0, roundMinutes(clock.allowanceMinutes - elapsedMinutes));

export interface ClockChange {
  /** `null` ends the relaxation. */
  readonly relaxation?: Relaxation | null;
  readonly addedExtensionMinutes?: number;
  readonly isPausedForTraining?: boolean;
  readonly stop?: ClockStopReason;
  /** A re-plan: the clock continues under another version's allowance and calendar. */
  readonly replanTo?: { readonly policy: Policy; readonly baseAllowanceMinutes: number };
}

/**
 * The clock after a change at `now`: elapsed time is counted on the old calendar up to `now`, then the deadline
 * is the instant the remaining allowance runs out on the (possibly new) calendar. Bumps the timer generation.
 */
export const changeClock = (
  clock: SlaClockSnapshot,
  policy: Policy,
  now: Instant,
  change: ClockChange,
): SlaClockSnapshot => {
  const asOf = later(now, clock.asOf);
  const elapsedMinutes = elapsedMinutesAt(clock, policy.calendar, asOf);
  const target = change.replanTo?.policy ?? policy;
  const relaxation = change.relaxation === undefined ? clock.relaxation : (change.relaxation ?? undefined);
  const baseAllowanceMinutes = change.replanTo?.baseAllowanceMinutes ?? clock.baseAllowanceMinutes;
  const extensionMinutes = clock.extensionMinutes + (change.addedExtensionMinutes ?? 0);
  const isPausedForTraining = change.isPausedForTraining ?? clock.isPausedForTraining;
  const terms = {
    clockId: clock.clockId,
    policyVersion: target.version,
    calendarId: target.calendar.id,
    baseAllowanceMinutes,
    ...(relaxation ? { relaxation } : {}),
    extensionMinutes,
    allowanceMinutes: effectiveAllowanceMinutes(baseAllowanceMinutes, relaxation, extensionMinutes),
    elapsedMinutes,
    asOf,
    isPausedForTraining,
    timerGeneration: clock.timerGeneration + 1,
  };
  if (change.stop) return { ...terms, status: 'Stopped', stoppedBecause: change.stop };
  if (!isCounting(terms)) return { ...terms, status: 'Paused' };
  const remaining = roundMinutes(terms.allowanceMinutes - elapsedMinutes);
  // An allowance already used up (a relaxation ended late) is due at once.
  return {
    ...terms,
    status: 'Running',
    deadline: remaining > 0 ? target.calendar.addSupportMinutes(asOf, remaining) : asOf,
  };
};

export type TimerKind = 'at-risk' | 'breach' | 'escalation';

export interface PlannedTimer {
  /** Deterministic: `<kind>__<ticketId>__<clockId>__<timerGeneration>`; a change of the clock gives new ids. */
  readonly timerId: string;
  readonly kind: TimerKind;
  readonly ticketId: string;
  readonly clockId: string;
  readonly timerGeneration: number;
  readonly dueAt: Instant;
}

type Running = Extract<SlaClock, { status: 'Running' }>;

export const timerDueAt = (clock: Running, policy: Policy, plan: OpenedTicket['plan'], kind: TimerKind): Instant => {
  const { atRiskPercent, escalationDelayBusinessMinutes } = planTerms(policy, plan).escalation;
  switch (kind) {
    case 'at-risk': {
      const remaining = roundMinutes((clock.allowanceMinutes * atRiskPercent) / 100 - clock.elapsedMinutes);
      return remaining > 0 ? policy.calendar.addSupportMinutes(clock.asOf, remaining) : clock.asOf;
    }
    case 'breach':
      return clock.deadline;
    case 'escalation':
      return policy.calendar.addSupportMinutes(clock.deadline, escalationDelayBusinessMinutes);
    default:
      return assertNever(kind, clock.deadline);
  }
};

/**
 * POLICY §7: the timers a ticket needs now: at-risk, breach and escalation of its running clock, each only while
 * it has not happened yet. `policy` is the clock's version (`policies.byVersion(state.clock.policyVersion)`).
 */
export const timerPlan = (state: TicketState, policy: Policy): PlannedTimer[] => {
  if (state.status !== 'Open') return [];
  const { clock } = state;
  if (clock.status !== 'Running') return [];
  const kinds: TimerKind[] = [
    ...(clock.atRiskAt === null && clock.breach === null ? (['at-risk'] as const) : []),
    ...(clock.breach === null ? (['breach'] as const) : []),
    ...(clock.escalatedAt === null ? (['escalation'] as const) : []),
  ];
  return kinds.map((kind) => ({
    timerId: `${kind}__${state.ticketId}__${clock.clockId}__${clock.timerGeneration}`,
    kind,
    ticketId: state.ticketId,
    clockId: clock.clockId,
    timerGeneration: clock.timerGeneration,
    dueAt: timerDueAt(clock, policy, state.plan, kind),
  }));
};
