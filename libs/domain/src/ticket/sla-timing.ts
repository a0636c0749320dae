import type { Instant } from '@app/clock';
import { type Policy, planTerms, type SupportCalendar } from '@app/policy';
import { roundMinutes } from './clock-timeline';
import type { SlaClock, SlaClockSnapshot } from './sla-clock';
import { assertNever } from '../domain-error';
import type { OpenedTicket, TicketState } from './ticket.state';

/** Support minutes the clock has counted at `at`. */
export const elapsedMinutesAt = (clock: SlaClockSnapshot, calendar: SupportCalendar, at: Instant): number =>
  clock.status === 'Running'
    ? roundMinutes(clock.elapsedMinutes + calendar.supportMinutesBetween(clock.asOf, at))
    : clock.elapsedMinutes;

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
      if (clock.atRiskDueAt !== undefined) return clock.atRiskDueAt;
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
  // A clock paused after its allowance ran out is still breached at its deadline.
  if (clock.status === 'Paused' && clock.deadline !== undefined && clock.breach === null) {
    const dueAt = clock.deadline;
    return [{ ...timerOf(state, clock, 'breach'), dueAt }];
  }
  if (clock.status !== 'Running') return [];
  const kinds: TimerKind[] = [
    ...(clock.atRiskAt === null && clock.breach === null ? (['at-risk'] as const) : []),
    ...(clock.breach === null ? (['breach'] as const) : []),
    ...(clock.escalatedAt === null ? (['escalation'] as const) : []),
  ];
  return kinds.map((kind) => ({
    ...timerOf(state, clock, kind),
    dueAt: timerDueAt(clock, policy, state.plan, kind),
  }));
};

const timerOf = (state: OpenedTicket, clock: SlaClock, kind: TimerKind): Omit<PlannedTimer, 'dueAt'> => ({
  timerId: `${kind}__${state.ticketId}__${clock.clockId}__${clock.timerGeneration}`,
  kind,
  ticketId: state.ticketId,
  clockId: clock.clockId,
  timerGeneration: clock.timerGeneration,
});
