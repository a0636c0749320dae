import { CalendarError, HorizonExceeded } from '@app/calendar';
import type { Instant } from '@app/clock';
import {
  CHANNELS,
  firstResponseAllowanceMinutes,
  isChannelCovered,
  isServiceCovered,
  type Policy,
  type PolicyLookup,
  planTerms,
  SERVICES,
} from '@app/policy';
import type { CustomerStanding } from '../customer/customer.state';
import type { Decider } from '@app/kernel';
import { CustomerNotFound } from '../customer/customer.errors';
import {
  assertNever,
  DomainError,
  InvalidCommand,
  NotAllowed,
  PolicyVersionUnknown,
  SupportTimeUncomputable,
  UnknownCommand,
} from '../domain-error';
import {
  checkEnvelope,
  checkExternalRef,
  checkInstant,
  checkLine,
  checkOneOf,
  checkOptionalLine,
  checkOptionalText,
  checkText,
  firstProblem,
} from '../validation';
import {
  atRiskReachedAt,
  type ClockFact,
  ClockPolicyUnknown,
  clockCourse,
  insertFact,
  reachedAt,
  roundMinutes,
  snapshotOf,
} from './clock-timeline';
import { FIRST_RESPONSE_CLOCK, type SlaClockSnapshot } from './sla-clock';
import { timerDueAt, type TimerKind } from './sla-timing';
import type {
  BillProfessionalServices,
  ExtendDeadline,
  FlagCustomerFromTicket,
  MarkTicketOutOfScope,
  OfferProfessionalServices,
  OpenTicket,
  RecordResponse,
  ReplanTicket,
  ResolveTicket,
  TicketCommand,
  WaiveDeadline,
} from './ticket.commands';
import {
  BillingNotAllowed,
  ChannelNotCovered,
  InvalidBilledHours,
  ProfessionalServicesUnavailable,
  ReceiptBeyondHorizon,
  SlaClockNotActive,
  SlaTimerNotDue,
  TicketAlreadyOpened,
  TicketNotFound,
  TicketResolvedAlready,
  UnknownOutOfScopeCategory,
} from './ticket.errors';
import { type Evidence, occurredAt, type TicketEvent, type TicketOpened } from './ticket.events';
import { clockFactOf, evolveTicket, initialTicketState, type OpenedTicket, type TicketState } from './ticket.state';

/**
 * What deciding a ticket command needs besides the stream. `policies`: the policy book. `customer`: the
 * customer's standing, read from the customer stream; needed to open a ticket, ignored otherwise.
 */
export interface TicketContext {
  readonly policies: PolicyLookup;
  readonly customer?: CustomerStanding | null;
}

type Decision = readonly TicketEvent[] | DomainError;

/** POLICY §5: work beyond the plan (a service or channel it does not cover) is out of scope in every version. */
export const BEYOND_PLAN_CATEGORY = 'beyond-plan';
export const MAX_EXTENSION_MINUTES = 525_600;

const outOfScopeCategories = (policy: Policy): readonly string[] => [
  BEYOND_PLAN_CATEGORY,
  ...policy.document.outOfScopeCategories,
];

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

const isSameOpening = (state: OpenedTicket, data: OpenTicket['data']): boolean =>
  state.customerId === data.customerId &&
  state.channel === data.channel &&
  state.subject === data.subject &&
  state.service === data.service &&
  (data.receivedAt === undefined || Date.parse(data.receivedAt) === Date.parse(state.receivedAt));

const checkOpenTicket = (data: OpenTicket['data']): InvalidCommand | null =>
  firstProblem(
    checkLine('customerId', data.customerId, 200),
    checkOneOf('channel', data.channel, CHANNELS),
    checkLine('subject', data.subject, 500),
    data.service === undefined ? null : checkOneOf('service', data.service, SERVICES),
    data.receivedAt === undefined ? null : checkInstant('receivedAt', data.receivedAt),
    data.isPaidAssistance === undefined || typeof data.isPaidAssistance === 'boolean'
      ? null
      : new InvalidCommand('isPaidAssistance', 'must be true or false'),
    data.externalRef === undefined ? null : checkExternalRef('externalRef', data.externalRef),
  );

/** A receipt so old that the support time from it to now cannot be counted could never be answered. */
const checkHorizon = (policy: Policy, receivedAt: Instant, now: Instant): DomainError | null => {
  try {
    policy.calendar.supportMinutesBetween(receivedAt, now);
    return null;
  } catch (error) {
    if (error instanceof HorizonExceeded) return new ReceiptBeyondHorizon(receivedAt, error.horizonYears);
    throw error;
  }
};

const openTicket = (command: OpenTicket, state: TicketState, { customer, policies }: TicketContext): Decision => {
  const { data, metadata } = command;
  const problem = checkOpenTicket(data);
  if (problem) return problem;
  if (state.status !== 'NotOpened') return isSameOpening(state, data) ? [] : new TicketAlreadyOpened(data.ticketId);
  if (!customer || customer.customerId !== data.customerId) return new CustomerNotFound(data.customerId);
  const receivedAt = new Date(data.receivedAt ?? metadata.now).toISOString();
  const policy = policies.inForceAt(receivedAt);
  if (!policy) return new PolicyVersionUnknown(receivedAt);
  const beyondHorizon = checkHorizon(policy, receivedAt, metadata.now);
  if (beyondHorizon) return beyondHorizon;
  const { plan } = customer;
  if (!isChannelCovered(policy, plan, data.channel) && data.isPaidAssistance !== true) {
    return new ChannelNotCovered(data.channel, plan, planTerms(policy, plan).channels);
  }
  const allowanceMinutes = firstResponseAllowanceMinutes(policy, plan);
  const sla: SlaClockSnapshot = {
    clockId: FIRST_RESPONSE_CLOCK,
    policyVersion: policy.version,
    calendarId: policy.calendar.id,
    baseAllowanceMinutes: allowanceMinutes,
    extensionMinutes: 0,
    allowanceMinutes,
    elapsedMinutes: 0,
    asOf: receivedAt,
    isPausedForTraining: false,
    timerGeneration: 0,
    status: 'Running',
    deadline: policy.calendar.addSupportMinutes(receivedAt, allowanceMinutes),
    atRiskDueAt: policy.calendar.addSupportMinutes(
      receivedAt,
      (allowanceMinutes * planTerms(policy, plan).escalation.atRiskPercent) / 100,
    ),
  };
  const opened: TicketOpened = {
    type: 'TicketOpened',
    data: {
      ticketId: data.ticketId,
      customerId: data.customerId,
      channel: data.channel,
      ...optional('service', data.service),
      subject: data.subject,
      plan,
      handlingPriority: planTerms(policy, plan).handlingPriority,
      standing: {
        licences: customer.licences,
        isPlanEligible: customer.isPlanEligible,
        isFlagged: customer.isFlagged,
        isTrainingRequired: customer.isTrainingRequired,
      },
      policyVersion: policy.version,
      calendarId: policy.calendar.id,
      receivedAt,
      openedBy: metadata.actor.id,
      openedAt: metadata.now,
      ...(data.externalRef
        ? { externalRef: { source: data.externalRef.source, externalId: data.externalRef.externalId } }
        : {}),
      sla,
    },
  };
  return followUps(opened, policy, policies, command, customer);
};

/** What a new ticket inherits at once: out of scope beyond the plan (§1, §5), relaxation (§4), training (§4). */
const followUps = (
  opened: TicketOpened,
  policy: Policy,
  policies: PolicyLookup,
  { metadata, data }: OpenTicket,
  customer: CustomerStanding,
): Decision => {
  const { actor } = metadata;
  const { receivedAt } = opened.data;
  // POLICY §4: a standing that began after a backdated receipt applies from when it began.
  const since = (began: Instant | undefined): Instant =>
    began !== undefined && Date.parse(began) > Date.parse(receivedAt) ? began : receivedAt;
  const uncovered = [
    ...(isChannelCovered(policy, customer.plan, data.channel) ? [] : [data.channel]),
    ...(data.service === undefined || isServiceCovered(policy, customer.plan, data.service) ? [] : [data.service]),
  ];
  const steps: readonly ((state: OpenedTicket) => Decision)[] = [
    (state) =>
      uncovered.length > 0
        ? markOutOfScope(
            state,
            policy,
            policies,
            receivedAt,
            actor.id,
            BEYOND_PLAN_CATEGORY,
            `${uncovered.join(' and ')} not covered by the ${customer.plan} plan`,
          )
        : [],
    (state) => (customer.isFlagged ? relaxSla(state, policy, policies, since(customer.flaggedAt)) : []),
    (state) =>
      customer.isTrainingRequired ? pauseForTraining(state, policies, since(customer.trainingRequiredAt)) : [],
  ];
  const events: TicketEvent[] = [opened];
  let state = evolveTicket(initialTicketState, opened);
  for (const step of steps) {
    if (state.status === 'NotOpened') break;
    const decision = step(state);
    if (decision instanceof DomainError) return decision;
    events.push(...decision);
    state = decision.reduce(evolveTicket, state);
  }
  return events;
};

const markOutOfScope = (
  state: OpenedTicket,
  policy: Policy,
  policies: PolicyLookup,
  at: Instant,
  markedBy: string,
  category: string,
  note: string | undefined,
): Decision => {
  if (state.status === 'Resolved') return new TicketResolvedAlready(state.ticketId);
  if (state.status === 'OutOfScope') return [];
  const allowed = outOfScopeCategories(policy);
  if (!allowed.includes(category)) return new UnknownOutOfScopeCategory(category, allowed);
  const sla = reclocked(state, { kind: 'stopped', at, reason: 'out-of-scope' }, policies);
  return [
    {
      type: 'TicketMarkedOutOfScope',
      data: {
        ticketId: state.ticketId,
        category,
        ...optional('note', note),
        markedBy,
        markedAt: at,
        isCustomerNotified: true,
        sla,
      },
    },
  ];
};

/** The clock once `fact` is folded in at its occurrence instant, with a new timer generation. */
const reclocked = (state: OpenedTicket, fact: ClockFact, policies: PolicyLookup): SlaClockSnapshot =>
  snapshotOf(
    state.clock.clockId,
    clockCourse(state.clockStart, insertFact(state.clockFacts, fact), policies),
    state.plan,
    state.clock.timerGeneration + 1,
  );

/** When a fact occurred: `value` when given, else `now`; never before the ticket was received. */
const occurrence = (field: string, value: unknown, now: Instant, state: OpenedTicket): Instant | InvalidCommand => {
  if (value === undefined) return now;
  const problem = checkInstant(field, value);
  if (problem) return problem;
  const at = new Date(value as string).toISOString();
  return Date.parse(at) < Date.parse(state.receivedAt)
    ? new InvalidCommand(field, `must not be before the ticket was received (${state.receivedAt})`)
    : at;
};

const isBefore = (a: Instant, b: Instant): boolean => Date.parse(a) < Date.parse(b);

const recordResponse = (
  { data, metadata }: RecordResponse,
  state: OpenedTicket,
  policy: Policy,
  policies: PolicyLookup,
): Decision => {
  const problem = checkOptionalLine('by', data.by);
  if (problem) return problem;
  const respondedAt = occurrence('respondedAt', data.respondedAt, metadata.now, state);
  if (respondedAt instanceof InvalidCommand) return respondedAt;
  if (state.recordedIds.has(metadata.commandId)) return [];
  if (state.status === 'Resolved' && !isBefore(respondedAt, state.resolvedAt)) {
    return new TicketResolvedAlready(state.ticketId);
  }
  const facts = {
    ticketId: state.ticketId,
    responseId: metadata.commandId,
    respondedBy: data.by ?? metadata.actor.id,
    respondedAt,
  };
  // Responses arrive late and out of order: the earliest one by occurrence is the first response.
  if (state.firstResponseAt !== null && !isBefore(respondedAt, state.firstResponseAt)) {
    return [{ type: 'TicketResponded', data: { ...facts, isFirstResponse: false } }];
  }
  const sla = reclocked(state, { kind: 'stopped', at: respondedAt, reason: 'responded' }, policies);
  const hasSla = sla.status === 'Stopped' && sla.stoppedBecause === 'responded' && sla.relaxation?.mode !== 'suspend';
  const inForce = clockCourse(state.clockStart, state.clockFacts, policies, respondedAt);
  const deadline = inForce.stop ? sla.deadline : (reachedAt(inForce, inForce.allowanceMinutes) ?? undefined);
  // A deadline at closing time is missed by a response after it, though no support minute separates them.
  const isMissed = sla.deadline !== undefined && isBefore(sla.deadline, respondedAt);
  return [
    {
      type: 'TicketResponded',
      data: {
        ...facts,
        isFirstResponse: true,
        outcome: hasSla ? (isMissed ? 'missed' : 'met') : 'not-applicable',
        ...(deadline === undefined ? {} : { deadline }),
        missedByMinutes: hasSla && isMissed ? Math.max(0, roundMinutes(sla.elapsedMinutes - sla.allowanceMinutes)) : 0,
        businessMinutesTaken: policy.calendar.supportMinutesBetween(state.receivedAt, respondedAt),
        sla,
      },
    },
  ];
};

const flagCustomerFromTicket = ({ data, metadata }: FlagCustomerFromTicket, state: OpenedTicket): Decision => {
  const problem = checkText('reason', data.reason);
  if (problem) return problem;
  const flaggedAt = occurrence('occurredAt', data.occurredAt, metadata.now, state);
  if (flaggedAt instanceof InvalidCommand) return flaggedAt;
  return [
    {
      type: 'TicketCustomerFlaggedExcessive',
      data: {
        ticketId: state.ticketId,
        customerId: state.customerId,
        reason: data.reason,
        flaggedBy: metadata.actor.id,
        flaggedAt,
      },
    },
  ];
};

const relaxSla = (state: OpenedTicket, policy: Policy, policies: PolicyLookup, at: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || clock.relaxation) return [];
  const relaxation = policy.document.excessiveUse.relaxation;
  const sla = reclocked(state, { kind: 'relaxed', at, relaxation }, policies);
  return [{ type: 'SlaRelaxed', data: { ticketId: state.ticketId, relaxedAt: at, relaxation, sla } }];
};

const endRelaxation = (state: OpenedTicket, policies: PolicyLookup, at: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || !clock.relaxation) return [];
  const sla = reclocked(state, { kind: 'relaxation-ended', at }, policies);
  return [{ type: 'SlaRelaxationEnded', data: { ticketId: state.ticketId, endedAt: at, sla } }];
};

const remainingOf = (sla: SlaClockSnapshot): number =>
  Math.max(0, roundMinutes(sla.allowanceMinutes - sla.elapsedMinutes));

const pauseForTraining = (state: OpenedTicket, policies: PolicyLookup, at: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || clock.isPausedForTraining) return [];
  const sla = reclocked(state, { kind: 'paused-for-training', at }, policies);
  return [
    {
      type: 'SlaClockPausedForTraining',
      data: { ticketId: state.ticketId, pausedAt: at, remainingMinutes: remainingOf(sla), sla },
    },
  ];
};

const resumeClock = (state: OpenedTicket, policies: PolicyLookup, at: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || !clock.isPausedForTraining) return [];
  const sla = reclocked(state, { kind: 'resumed', at }, policies);
  return [
    {
      type: 'SlaClockResumed',
      data: { ticketId: state.ticketId, resumedAt: at, remainingMinutes: remainingOf(sla), sla },
    },
  ];
};

const checkOutOfScopeCommand = ({ data }: MarkTicketOutOfScope): InvalidCommand | null =>
  firstProblem(checkLine('category', data.category, 100), checkOptionalText('note', data.note));

const checkBillable = (state: OpenedTicket, policy: Policy): DomainError | null => {
  if (state.outOfScope === null) return new BillingNotAllowed(state.ticketId);
  if (!policy.document.professionalServices.isAvailable) return new ProfessionalServicesUnavailable(policy.version);
  return null;
};

const offerProfessionalServices = (
  { data, metadata }: OfferProfessionalServices,
  state: OpenedTicket,
  policy: Policy,
): Decision => {
  const refusal = checkOptionalText('note', data.note) ?? checkBillable(state, policy);
  if (refusal) return refusal;
  if (state.isProfessionalServicesOffered) return [];
  const { hourlyRate, currency } = policy.document.professionalServices;
  return [
    {
      type: 'ProfessionalServicesOffered',
      data: {
        ticketId: state.ticketId,
        hourlyRate,
        currency,
        policyVersion: policy.version,
        offeredBy: metadata.actor.id,
        offeredAt: metadata.now,
        ...optional('note', data.note),
      },
    },
  ];
};

const billProfessionalServices = (
  { data, metadata }: BillProfessionalServices,
  state: OpenedTicket,
  policy: Policy,
): Decision => {
  const { hourlyRate, currency, maxHoursPerEntry } = policy.document.professionalServices;
  const { hours } = data;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > maxHoursPerEntry) {
    return new InvalidBilledHours(hours, maxHoursPerEntry);
  }
  const refusal = checkOptionalText('note', data.note) ?? checkBillable(state, policy);
  if (refusal) return refusal;
  if (state.recordedIds.has(metadata.commandId)) return [];
  return [
    {
      type: 'ProfessionalServicesBilled',
      data: {
        ticketId: state.ticketId,
        entryId: metadata.commandId,
        hours,
        hourlyRate,
        currency,
        amount: Math.round(hours * hourlyRate * 100) / 100,
        policyVersion: policy.version,
        billedBy: metadata.actor.id,
        billedAt: metadata.now,
        ...optional('note', data.note),
      },
    },
  ];
};

const checkDiscretion = (
  action: string,
  role: string,
  allowedRoles: readonly string[],
  reason: unknown,
): DomainError | null =>
  (allowedRoles.includes(role) ? null : new NotAllowed(action, role, allowedRoles)) ?? checkText('reason', reason);

const waiveDeadline = (
  { data, metadata }: WaiveDeadline,
  state: OpenedTicket,
  policy: Policy,
  policies: PolicyLookup,
): Decision => {
  const refusal = checkDiscretion(
    'waive a deadline',
    metadata.actor.role,
    policy.document.discretion.waiverRoles,
    data.reason,
  );
  if (refusal) return refusal;
  const { clock } = state;
  if (clock.status === 'Stopped') {
    return clock.stoppedBecause === 'waived'
      ? []
      : new SlaClockNotActive(state.ticketId, clock.clockId, clock.stoppedBecause);
  }
  const waivedAt = occurrence('occurredAt', data.occurredAt, metadata.now, state);
  if (waivedAt instanceof InvalidCommand) return waivedAt;
  return [
    {
      type: 'DeadlineWaived',
      data: {
        ticketId: state.ticketId,
        reason: data.reason,
        waivedBy: metadata.actor.id,
        waivedByRole: metadata.actor.role,
        waivedAt,
        ...(clock.status === 'Running' ? { previousDeadline: clock.deadline } : {}),
        sla: reclocked(state, { kind: 'stopped', at: waivedAt, reason: 'waived' }, policies),
      },
    },
  ];
};

const extendDeadline = (
  { data, metadata }: ExtendDeadline,
  state: OpenedTicket,
  policy: Policy,
  policies: PolicyLookup,
): Decision => {
  const refusal = checkDiscretion(
    'extend a deadline',
    metadata.actor.role,
    policy.document.discretion.waiverRoles,
    data.reason,
  );
  if (refusal) return refusal;
  const minutes = data.extensionMinutes;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes <= 0 || minutes > MAX_EXTENSION_MINUTES) {
    return new InvalidCommand('extensionMinutes', `must be a whole number from 1 to ${MAX_EXTENSION_MINUTES}`);
  }
  if (state.recordedIds.has(metadata.commandId)) return [];
  const { clock } = state;
  if (clock.status === 'Stopped') return new SlaClockNotActive(state.ticketId, clock.clockId, clock.stoppedBecause);
  const extendedAt = occurrence('occurredAt', data.occurredAt, metadata.now, state);
  if (extendedAt instanceof InvalidCommand) return extendedAt;
  return [
    {
      type: 'DeadlineExtended',
      data: {
        ticketId: state.ticketId,
        extensionId: metadata.commandId,
        extensionMinutes: minutes,
        reason: data.reason,
        extendedBy: metadata.actor.id,
        extendedByRole: metadata.actor.role,
        extendedAt,
        ...(clock.status === 'Running' ? { previousDeadline: clock.deadline } : {}),
        sla: reclocked(state, { kind: 'extended', at: extendedAt, minutes }, policies),
      },
    },
  ];
};

type TimerCommand = Extract<TicketCommand, { type: 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach' }>;

const TIMER_KIND: Record<TimerCommand['type'], TimerKind> = {
  RecordSlaAtRisk: 'at-risk',
  RecordSlaBreach: 'breach',
  EscalateSlaBreach: 'escalation',
};

const hasHappened = (clock: OpenedTicket['clock'], kind: TimerKind): boolean => {
  switch (kind) {
    case 'at-risk':
      return clock.atRiskAt !== null || clock.breach !== null;
    case 'breach':
      return clock.breach !== null;
    case 'escalation':
      return clock.escalatedAt !== null;
    default:
      return assertNever(kind, true);
  }
};

/**
 * POLICY §7: each outcome at most once per clock, dated when it fell due, whenever it is detected; a stale timer
 * (older generation, clock stopped) does nothing. A paused clock whose allowance ran out before the pause is still
 * breached; an at-risk warning is not recorded once the deadline has passed (the breach says it all).
 */
const recordTimer = (command: TimerCommand, state: OpenedTicket, policy: Policy): Decision => {
  const { data, metadata } = command;
  const kind = TIMER_KIND[command.type];
  const { clock } = state;
  if (state.status !== 'Open' || clock.status === 'Stopped' || clock.deadline === undefined) return [];
  if (clock.status === 'Paused' && kind !== 'breach') return [];
  if (clock.clockId !== data.clockId || clock.timerGeneration !== data.timerGeneration) return [];
  if (hasHappened(clock, kind)) return [];
  if (kind === 'escalation' && clock.breach === null) {
    return new SlaTimerNotDue(state.ticketId, 'breach', clock.deadline);
  }
  const { deadline } = clock;
  const dueAt = clock.status === 'Running' ? timerDueAt(clock, policy, state.plan, kind) : deadline;
  if (isBefore(metadata.now, dueAt)) return new SlaTimerNotDue(state.ticketId, kind, dueAt);
  if (kind === 'at-risk' && !isBefore(metadata.now, deadline)) return [];
  const ladder = planTerms(policy, state.plan).escalation;
  const facts = {
    ticketId: state.ticketId,
    clockId: clock.clockId,
    deadline,
    allowanceMinutes: clock.allowanceMinutes,
    policyVersion: clock.policyVersion,
    timerGeneration: clock.timerGeneration,
    detectedAt: metadata.now,
  };
  switch (kind) {
    case 'at-risk':
      return [
        {
          type: 'SlaAtRisk',
          data: {
            ...facts,
            recipients: [...ladder.recipients.atRisk],
            atRiskPercent: ladder.atRiskPercent,
            atRiskAt: dueAt,
          },
        },
      ];
    case 'breach':
      return [
        { type: 'SlaBreached', data: { ...facts, recipients: [...ladder.recipients.breach], breachedAt: dueAt } },
      ];
    case 'escalation':
      return [
        {
          type: 'SlaBreachEscalated',
          data: {
            ...facts,
            recipients: [...ladder.recipients.escalation],
            level: 1,
            escalationDelayBusinessMinutes: ladder.escalationDelayBusinessMinutes,
            escalatedAt: dueAt,
          },
        },
      ];
    default:
      return assertNever(kind, []);
  }
};

const resolveTicket = ({ data, metadata }: ResolveTicket, state: OpenedTicket, policies: PolicyLookup): Decision => {
  const problem = checkOptionalText('note', data.note);
  if (problem) return problem;
  if (state.status === 'Resolved') return [];
  const resolvedAt = occurrence('occurredAt', data.occurredAt, metadata.now, state);
  if (resolvedAt instanceof InvalidCommand) return resolvedAt;
  return [
    {
      type: 'TicketResolved',
      data: {
        ticketId: state.ticketId,
        resolvedBy: metadata.actor.id,
        resolvedAt,
        ...optional('note', data.note),
        sla: reclocked(state, { kind: 'stopped', at: resolvedAt, reason: 'resolved' }, policies),
      },
    },
  ];
};

/** POLICY §6: a newer version changes an open ticket only through an explicit, recorded re-plan. */
const replanTicket = ({ metadata }: ReplanTicket, state: OpenedTicket, policies: PolicyLookup): Decision => {
  const { role } = metadata.actor;
  const target = policies.inForceAt(metadata.now);
  if (!target) return new PolicyVersionUnknown(metadata.now);
  const allowedRoles: readonly string[] = target.document.discretion.replanRoles;
  if (!allowedRoles.includes(role)) return new NotAllowed('re-plan a ticket', role, allowedRoles);
  const { clock } = state;
  if (target.version === clock.policyVersion) return [];
  if (clock.status === 'Stopped') return new SlaClockNotActive(state.ticketId, clock.clockId, clock.stoppedBecause);
  const sla = reclocked(
    state,
    {
      kind: 'replanned',
      at: metadata.now,
      policyVersion: target.version,
      baseAllowanceMinutes: firstResponseAllowanceMinutes(target, state.plan),
      relaxation: target.document.excessiveUse.relaxation,
    },
    policies,
  );
  return [
    {
      type: 'TicketReplanned',
      data: {
        ticketId: state.ticketId,
        previousPolicyVersion: clock.policyVersion,
        policyVersion: target.version,
        ...(clock.status === 'Running' ? { previousDeadline: clock.deadline } : {}),
        replannedBy: metadata.actor.id,
        replannedAt: metadata.now,
        sla,
      },
    },
  ];
};

/** A dated change a person or a reactor sends: when it occurred, or the refusal of that instant. */
const dated = (command: TicketCommand, state: OpenedTicket): Instant | InvalidCommand => {
  const { occurredAt } = command.data as { occurredAt?: unknown };
  return occurrence('occurredAt', occurredAt, command.metadata.now, state);
};

const decideOpened = (
  command: TicketCommand,
  state: OpenedTicket,
  policy: Policy,
  context: TicketContext,
): Decision => {
  const { policies } = context;
  const { actor } = command.metadata;
  switch (command.type) {
    case 'OpenTicket':
      return openTicket(command, state, context);
    case 'RecordResponse':
      return recordResponse(command, state, policy, policies);
    case 'FlagCustomerFromTicket':
      return flagCustomerFromTicket(command, state);
    case 'RelaxSla':
    case 'EndSlaRelaxation':
    case 'PauseSlaClockForTraining':
    case 'ResumeSlaClock': {
      // POLICY §4: a customer's standing that began before the ticket's receipt applies from the receipt.
      const began = command.data.occurredAt;
      const at = dated(
        began !== undefined && checkInstant('occurredAt', began) === null && isBefore(began, state.receivedAt)
          ? { ...command, data: { ...command.data, occurredAt: state.receivedAt } }
          : command,
        state,
      );
      if (at instanceof InvalidCommand) return at;
      if (command.type === 'RelaxSla') return relaxSla(state, policy, policies, at);
      if (command.type === 'EndSlaRelaxation') return endRelaxation(state, policies, at);
      if (command.type === 'PauseSlaClockForTraining') return pauseForTraining(state, policies, at);
      return resumeClock(state, policies, at);
    }
    case 'MarkTicketOutOfScope': {
      const at = dated(command, state);
      if (at instanceof InvalidCommand) return at;
      return (
        checkOutOfScopeCommand(command) ??
        markOutOfScope(state, policy, policies, at, actor.id, command.data.category, command.data.note)
      );
    }
    case 'OfferProfessionalServices':
      return offerProfessionalServices(command, state, policy);
    case 'BillProfessionalServices':
      return billProfessionalServices(command, state, policy);
    case 'WaiveDeadline':
      return waiveDeadline(command, state, policy, policies);
    case 'ExtendDeadline':
      return extendDeadline(command, state, policy, policies);
    case 'RecordSlaAtRisk':
    case 'RecordSlaBreach':
    case 'EscalateSlaBreach':
      return recordTimer(command, state, policy);
    case 'ResolveTicket':
      return resolveTicket(command, state, policies);
    case 'ReplanTicket':
      return replanTicket(command, state, policies);
    default:
      return assertNever(command, new UnknownCommand((command as { type: string }).type));
  }
};

type Outcome = 'at-risk' | 'breach' | 'escalation';

/**
 * Whether the facts now known show that an outcome recorded at `at` did not happen: by then the clock had stopped
 * (answered, out of scope, waived, resolved) or had not yet run through its allowance (or its at-risk share).
 */
const isDisproved = (state: OpenedTicket, policies: PolicyLookup, outcome: Outcome, at: Instant): boolean => {
  const course = clockCourse(state.clockStart, state.clockFacts, policies, at);
  if (outcome === 'escalation') return course.stop !== null || isDisproved(state, policies, 'breach', at);
  const reached =
    outcome === 'breach' ? reachedAt(course, course.allowanceMinutes) : atRiskReachedAt(course, state.plan);
  if (reached === null || isBefore(at, reached)) return true;
  return course.stop !== null && !isBefore(reached, course.stop.at);
};

/**
 * Late evidence corrects, never rewrites: when facts just decided, dated before a recorded outcome, show that it
 * did not happen, the outcome is retracted, caused by the last of those facts.
 */
const withRetractions = (
  events: readonly TicketEvent[],
  before: OpenedTicket,
  policies: PolicyLookup,
  now: Instant,
): readonly TicketEvent[] => {
  const causeIndex = events.findLastIndex((event) => clockFactOf(event) !== null);
  const cause = events[causeIndex];
  if (!cause) return events;
  const after = events.reduce(evolveTicket, before as TicketState);
  if (after.status === 'NotOpened') return events;
  const evidence: Evidence = { type: cause.type, occurredAt: occurredAt(cause) };
  const { clock } = after;
  const policy = policies.byVersion(clock.policyVersion);
  if (!policy) return events;
  const { recipients } = planTerms(policy, after.plan).escalation;
  const common = {
    ticketId: after.ticketId,
    clockId: clock.clockId,
    policyVersion: clock.policyVersion,
    evidence,
    retractedAt: now,
  };
  const retracts = (outcome: Outcome, at: Instant | null): at is Instant =>
    at !== null && !isBefore(at, evidence.occurredAt) && isDisproved(after, policies, outcome, at);
  const retractions: TicketEvent[] = [];
  if (retracts('escalation', clock.escalatedAt)) {
    retractions.push({
      type: 'SlaEscalationRetracted',
      data: { ...common, recipients: [...recipients.escalation], escalatedAt: clock.escalatedAt },
      causedBy: causeIndex,
    });
  }
  const breach = clock.breach;
  if (breach && retracts('breach', breach.breachedAt)) {
    retractions.push({
      type: 'SlaBreachRetracted',
      data: { ...common, recipients: [...recipients.breach], breachedAt: breach.breachedAt, deadline: breach.deadline },
      causedBy: causeIndex,
    });
  }
  if (retracts('at-risk', clock.atRiskAt)) {
    retractions.push({
      type: 'SlaAtRiskRetracted',
      data: { ...common, recipients: [...recipients.atRisk], atRiskAt: clock.atRiskAt },
      causedBy: causeIndex,
    });
  }
  return [...events, ...retractions];
};

const decideChecked = (command: TicketCommand, state: TicketState, context: TicketContext): Decision => {
  const problem = checkEnvelope(command, 'ticketId');
  if (problem) return problem;
  if (state.status === 'NotOpened') {
    return command.type === 'OpenTicket'
      ? openTicket(command, state, context)
      : new TicketNotFound(command.data.ticketId);
  }
  const policy = context.policies.byVersion(state.clock.policyVersion);
  if (!policy) return new PolicyVersionUnknown(state.clock.policyVersion);
  const decision = decideOpened(command, state, policy, context);
  return decision instanceof DomainError
    ? decision
    : withRetractions(decision, state, context.policies, command.metadata.now);
};

/** Decides a ticket command: the new events, `[]` for a duplicate or stale command, or the refusal. Never throws. */
export const decideTicket = (command: TicketCommand, state: TicketState, context: TicketContext): Decision => {
  try {
    return decideChecked(command, state, context);
  } catch (error) {
    if (error instanceof CalendarError) return new SupportTimeUncomputable(error.code, error.message);
    if (error instanceof ClockPolicyUnknown) return new PolicyVersionUnknown(error.version);
    throw error;
  }
};

/** The ticket decider for `handleCommand`, closed over one command and its context. */
export const ticketDecider = (
  command: TicketCommand,
  context: TicketContext,
): Decider<TicketState, TicketEvent, DomainError> => ({
  initialState: initialTicketState,
  evolve: evolveTicket,
  decide: (state: TicketState): Decision => decideTicket(command, state, context),
});
