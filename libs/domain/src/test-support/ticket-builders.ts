import type { Instant } from '@app/clock';
import type { Channel, Plan, PolicyLookup, Service } from '@app/policy';
import type { CommandMetadata } from '@app/kernel';
import type { CustomerStanding } from '../customer';
import {
  type ClockStopReason,
  decideTicket,
  evolveTicket,
  FIRST_RESPONSE_CLOCK,
  initialTicketState,
  type SlaClockSnapshot,
  type TicketCommand,
  type TicketContext,
  type TicketEvent,
  type TicketOpened,
  type TicketState,
  ticketDecider,
} from '../ticket';
import { metadata, NOW } from './commands';
import { specify } from './given-when-then';
import { bookOf, FIRST_POLICY } from './policies';

export const TICKET_ID = 't-1';
export const CUSTOMER = 'acme';

export const aStanding = (o: Partial<CustomerStanding> = {}): CustomerStanding => ({
  customerId: CUSTOMER,
  plan: 'premium',
  licences: 12,
  isPlanEligible: true,
  isFlagged: false,
  isTrainingRequired: false,
  ...o,
});

export const ticketContext = (
  o: { customer?: Partial<CustomerStanding> | null; policies?: PolicyLookup } = {},
): TicketContext => ({
  policies: o.policies ?? bookOf(FIRST_POLICY),
  customer: o.customer === null ? null : aStanding(o.customer ?? {}),
});

export const ticketSpec = specify(ticketDecider, ticketContext());

export const fold = (events: readonly TicketEvent[], state: TicketState = initialTicketState): TicketState =>
  events.reduce(evolveTicket, state);

/** The events a command adds to a history; fails the test on a refusal. */
export const decided = (
  given: readonly TicketEvent[],
  command: TicketCommand,
  context: TicketContext = ticketContext(),
): TicketEvent[] => {
  const result = decideTicket(command, fold(given), context);
  if (result instanceof Error) throw result;
  return [...given, ...result];
};

export const anOpenTicket = (
  o: { channel?: Channel; service?: Service; subject?: string; receivedAt?: Instant; now?: Instant } = {},
): Extract<TicketCommand, { type: 'OpenTicket' }> => ({
  type: 'OpenTicket',
  data: {
    ticketId: TICKET_ID,
    customerId: CUSTOMER,
    channel: o.channel ?? 'email',
    subject: o.subject ?? 'Cannot connect',
    ...(o.service === undefined ? {} : { service: o.service }),
    ...(o.receivedAt === undefined ? {} : { receivedAt: o.receivedAt }),
  },
  metadata: metadata({ now: o.now ?? o.receivedAt ?? NOW }),
});

export const aTicketCommand = <T extends TicketCommand['type']>(
  type: T,
  data: Omit<Extract<TicketCommand, { type: T }>['data'], 'ticketId'>,
  meta: Partial<CommandMetadata> & { role?: string } = {},
): Extract<TicketCommand, { type: T }> =>
  ({ type, data: { ticketId: TICKET_ID, ...data }, metadata: metadata(meta) }) as unknown as Extract<
    TicketCommand,
    { type: T }
  >;

const ALLOWANCE: Record<Plan, number> = { standard: 1260, priority: 630, premium: 240 };

type SlaTerms = Omit<Extract<SlaClockSnapshot, { status: 'Paused' }>, 'status'>;

/**
 * A clock snapshot: running with a deadline by default, its at-risk instant at 75 % of the allowance counted from
 * `asOf` unless given; `Paused` and `Stopped` carry a deadline only when given (the allowance ran out before).
 */
export const anSla = (
  o: Partial<SlaTerms> & {
    status?: SlaClockSnapshot['status'];
    deadline?: Instant;
    /** `null`: none kept, the at-risk instant comes from the policy. */
    atRiskDueAt?: Instant | null;
    stoppedBecause?: ClockStopReason;
  } = {},
): SlaClockSnapshot => {
  const { status = 'Running', stoppedBecause = 'responded', atRiskDueAt, ...rest } = o;
  const { deadline, ...terms } = rest;
  const base: SlaTerms = {
    clockId: FIRST_RESPONSE_CLOCK,
    policyVersion: '2017-11-23',
    calendarId: 'quebec-support-hours',
    baseAllowanceMinutes: 240,
    extensionMinutes: 0,
    allowanceMinutes: 240,
    elapsedMinutes: 0,
    asOf: NOW,
    isPausedForTraining: false,
    timerGeneration: 0,
    ...terms,
  };
  const reached = deadline === undefined ? {} : { deadline };
  switch (status) {
    case 'Running': {
      const atRiskLeft = (base.allowanceMinutes * 75) / 100 - base.elapsedMinutes;
      const running = { ...base, status, deadline: deadline ?? '2026-11-30T19:00:00.000Z' };
      if (atRiskDueAt === null) return running;
      return {
        ...running,
        atRiskDueAt:
          atRiskDueAt ?? (atRiskLeft > 0 ? FIRST_POLICY.calendar.addSupportMinutes(base.asOf, atRiskLeft) : base.asOf),
      };
    }
    case 'Paused':
      return { ...base, status, ...reached };
    case 'Stopped':
      return { ...base, status, stoppedBecause, ...reached };
  }
};

export const aTicketOpened = (
  o: {
    ticketId?: string;
    customerId?: string;
    plan?: Plan;
    channel?: Channel;
    service?: Service;
    receivedAt?: Instant;
    openedAt?: Instant;
    deadline?: Instant;
    standing?: Partial<TicketOpened['data']['standing']>;
    /** The clock as opened; by default the plan's allowance from `receivedAt`. */
    sla?: SlaClockSnapshot;
    externalRef?: { source: string; externalId: string };
  } = {},
): TicketOpened => {
  const plan = o.plan ?? 'premium';
  const receivedAt = o.receivedAt ?? NOW;
  const sla =
    o.sla ??
    anSla({
      baseAllowanceMinutes: ALLOWANCE[plan],
      allowanceMinutes: ALLOWANCE[plan],
      asOf: receivedAt,
      deadline: o.deadline ?? '2026-11-30T19:00:00.000Z',
    });
  return {
    type: 'TicketOpened',
    data: {
      ticketId: o.ticketId ?? TICKET_ID,
      customerId: o.customerId ?? CUSTOMER,
      channel: o.channel ?? 'email',
      ...(o.service === undefined ? {} : { service: o.service }),
      subject: 'Cannot connect',
      plan,
      handlingPriority: plan === 'standard' ? 'standard' : 'priority',
      standing: { licences: 12, isPlanEligible: true, isFlagged: false, isTrainingRequired: false, ...o.standing },
      policyVersion: sla.policyVersion,
      calendarId: sla.calendarId,
      receivedAt,
      openedBy: 'agent-1',
      openedAt: o.openedAt ?? receivedAt,
      sla,
      ...(o.externalRef ? { externalRef: o.externalRef } : {}),
    },
  };
};
