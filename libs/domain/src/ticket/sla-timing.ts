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

export const TIMER_KINDS = ['at-risk', 'breach', 'escalation'] as const;

/** What a timer wakes the engine up for (POLICY §7). */
export type TimerKind = (typeof TIMER_KINDS)[number];

/** A timer id part that would break the id scheme (no `:`, which BullMQ reserves; `__` separates the parts). */
export class InvalidTimerId extends Error {
  readonly code = 'invalid-timer-id';
  constructor(readonly value: string) {
    super(`not usable in a timer id (empty, or contains ':' or '__'): ${JSON.stringify(value)}`);
  }
}

const isValidPart = (part: string): boolean => part.length > 0 && !part.includes(':') && !part.includes('__');

/** `<kind>__<ticketId>__<clockId>__<generation>`, e.g. `breach__t-42__first-response__3`: a change of the clock gives new ids. */
export const timerId = (kind: TimerKind, ticketId: string, clockId: string, generation: number): string => {
  const bad = [ticketId, clockId].find((part) => !isValidPart(part));
  if (bad !== undefined) throw new InvalidTimerId(bad);
  return `${kind}__${ticketId}__${clockId}__${generation}`;
};

export interface PlannedTimer {
  /** {@link timerId} of the kind, ticket, clock and generation. */
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
  timerId: timerId(kind, state.ticketId, clock.clockId, clock.timerGeneration),
  kind,
  ticketId: state.ticketId,
  clockId: clock.clockId,
  timerGeneration: clock.timerGeneration,
});
