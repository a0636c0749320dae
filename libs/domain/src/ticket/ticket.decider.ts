import { CalendarError } from '@app/calendar';
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
import { checkEnvelope, checkInstant, checkOneOf, checkOptionalText, checkText, firstProblem } from '../validation';
import { FIRST_RESPONSE_CLOCK, type SlaClockSnapshot } from './sla-clock';
import { changeClock, elapsedMinutesAt, remainingMinutes, timerDueAt, type TimerKind } from './sla-timing';
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
  SlaClockNotActive,
  SlaTimerNotDue,
  TicketAlreadyOpened,
  TicketNotFound,
  TicketResolvedAlready,
  UnknownOutOfScopeCategory,
} from './ticket.errors';
import type { TicketEvent, TicketOpened } from './ticket.events';
import { evolveTicket, initialTicketState, type OpenedTicket, type TicketState } from './ticket.state';

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

const checkOpenTicket = (data: OpenTicket['data'], now: Instant): InvalidCommand | null =>
  firstProblem(
    checkText('customerId', data.customerId, 200),
    checkOneOf('channel', data.channel, CHANNELS),
    checkText('subject', data.subject, 500),
    data.service === undefined ? null : checkOneOf('service', data.service, SERVICES),
    data.receivedAt === undefined ? null : checkInstant('receivedAt', data.receivedAt),
    data.isPaidAssistance === undefined || typeof data.isPaidAssistance === 'boolean'
      ? null
      : new InvalidCommand('isPaidAssistance', 'must be true or false'),
  ) ??
  (data.receivedAt !== undefined && Date.parse(data.receivedAt) > Date.parse(now)
    ? new InvalidCommand('receivedAt', 'must not be in the future')
    : null);

const openTicket = (command: OpenTicket, state: TicketState, { customer, policies }: TicketContext): Decision => {
  const { data, metadata } = command;
  const problem = checkOpenTicket(data, metadata.now);
  if (problem) return problem;
  if (state.status !== 'NotOpened') return isSameOpening(state, data) ? [] : new TicketAlreadyOpened(data.ticketId);
  if (!customer || customer.customerId !== data.customerId) return new CustomerNotFound(data.customerId);
  const receivedAt = new Date(data.receivedAt ?? metadata.now).toISOString();
  const policy = policies.inForceAt(receivedAt);
  if (!policy) return new PolicyVersionUnknown(receivedAt);
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
      sla,
    },
  };
  return followUps(opened, policy, command, customer);
};

/** What a new ticket inherits at once: out of scope beyond the plan (§1, §5), relaxation (§4), training (§4). */
const followUps = (
  opened: TicketOpened,
  policy: Policy,
  { data, metadata }: OpenTicket,
  customer: CustomerStanding,
): Decision => {
  const { now, actor } = metadata;
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
            now,
            actor.id,
            BEYOND_PLAN_CATEGORY,
            `${uncovered.join(' and ')} not covered by the ${customer.plan} plan`,
          )
        : [],
    (state) => (customer.isFlagged ? relaxSla(state, policy, now) : []),
    (state) => (customer.isTrainingRequired ? pauseForTraining(state, policy, now) : []),
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
  now: Instant,
  markedBy: string,
  category: string,
  note: string | undefined,
): Decision => {
  if (state.status === 'Resolved') return new TicketResolvedAlready(state.ticketId);
  if (state.status === 'OutOfScope') return [];
  const allowed = outOfScopeCategories(policy);
  if (!allowed.includes(category)) return new UnknownOutOfScopeCategory(category, allowed);
  const sla =
    state.clock.status === 'Stopped' ? state.clock : changeClock(state.clock, policy, now, { stop: 'out-of-scope' });
  return [
    {
      type: 'TicketMarkedOutOfScope',
      data: {
        ticketId: state.ticketId,
        category,
        ...optional('note', note),
        markedBy,
        markedAt: now,
        isCustomerNotified: true,
        sla: snapshotOf(sla),
      },
    },
  ];
};

const snapshotOf = (clock: SlaClockSnapshot): SlaClockSnapshot => {
  const { clockId, policyVersion, calendarId, baseAllowanceMinutes, extensionMinutes, allowanceMinutes } = clock;
  const { elapsedMinutes, asOf, isPausedForTraining, timerGeneration } = clock;
  const terms = {
    clockId,
    policyVersion,
    calendarId,
    baseAllowanceMinutes,
    ...optional('relaxation', clock.relaxation),
    extensionMinutes,
    allowanceMinutes,
    elapsedMinutes,
    asOf,
    isPausedForTraining,
    timerGeneration,
  };
  switch (clock.status) {
    case 'Running':
      return { ...terms, status: clock.status, deadline: clock.deadline };
    case 'Paused':
      return { ...terms, status: clock.status };
    case 'Stopped':
      return { ...terms, status: clock.status, stoppedBecause: clock.stoppedBecause };
    default:
      return assertNever(clock, clock);
  }
};

const deadlineOf = (clock: SlaClockSnapshot): { deadline?: Instant } =>
  clock.status === 'Running' ? { deadline: clock.deadline } : {};

const recordResponse = ({ data, metadata }: RecordResponse, state: OpenedTicket, policy: Policy): Decision => {
  const problem = checkOptionalText('by', data.by);
  if (problem) return problem;
  if (state.recordedIds.has(metadata.commandId)) return [];
  if (state.status === 'Resolved') return new TicketResolvedAlready(state.ticketId);
  const facts = {
    ticketId: state.ticketId,
    responseId: metadata.commandId,
    respondedBy: data.by ?? metadata.actor.id,
    respondedAt: metadata.now,
  };
  if (state.firstResponseAt !== null) return [{ type: 'TicketResponded', data: { ...facts, isFirstResponse: false } }];
  const { clock } = state;
  const elapsed = elapsedMinutesAt(clock, policy.calendar, metadata.now);
  const hasSla = clock.status === 'Running' || (clock.status === 'Paused' && clock.relaxation?.mode !== 'suspend');
  // After a closing-time deadline no support minute elapses, yet a later response is late.
  const isMissed =
    clock.breach !== null ||
    elapsed > clock.allowanceMinutes ||
    (clock.status === 'Running' && Date.parse(metadata.now) > Date.parse(clock.deadline));
  return [
    {
      type: 'TicketResponded',
      data: {
        ...facts,
        isFirstResponse: true,
        outcome: hasSla ? (isMissed ? 'missed' : 'met') : 'not-applicable',
        ...deadlineOf(clock),
        missedByMinutes: hasSla ? Math.max(0, elapsed - clock.allowanceMinutes) : 0,
        businessMinutesTaken: policy.calendar.supportMinutesBetween(state.receivedAt, metadata.now),
        sla: snapshotOf(
          clock.status === 'Stopped' ? clock : changeClock(clock, policy, metadata.now, { stop: 'responded' }),
        ),
      },
    },
  ];
};

const flagCustomerFromTicket = ({ data, metadata }: FlagCustomerFromTicket, state: OpenedTicket): Decision => {
  const problem = checkText('reason', data.reason);
  if (problem) return problem;
  return [
    {
      type: 'TicketCustomerFlaggedExcessive',
      data: {
        ticketId: state.ticketId,
        customerId: state.customerId,
        reason: data.reason,
        flaggedBy: metadata.actor.id,
        flaggedAt: metadata.now,
      },
    },
  ];
};

const relaxSla = (state: OpenedTicket, policy: Policy, now: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || clock.relaxation) return [];
  const sla = changeClock(clock, policy, now, { relaxation: policy.document.excessiveUse.relaxation });
  return [{ type: 'SlaRelaxed', data: { ticketId: state.ticketId, relaxedAt: now, sla } }];
};

const endRelaxation = (state: OpenedTicket, policy: Policy, now: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || !clock.relaxation) return [];
  const sla = changeClock(clock, policy, now, { relaxation: null });
  return [{ type: 'SlaRelaxationEnded', data: { ticketId: state.ticketId, endedAt: now, sla } }];
};

const pauseForTraining = (state: OpenedTicket, policy: Policy, now: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || clock.isPausedForTraining) return [];
  const sla = changeClock(clock, policy, now, { isPausedForTraining: true });
  return [
    {
      type: 'SlaClockPausedForTraining',
      data: {
        ticketId: state.ticketId,
        pausedAt: now,
        remainingMinutes: remainingMinutes(sla, sla.elapsedMinutes),
        sla,
      },
    },
  ];
};

const resumeClock = (state: OpenedTicket, policy: Policy, now: Instant): Decision => {
  const { clock } = state;
  if (clock.status === 'Stopped' || !clock.isPausedForTraining) return [];
  const sla = changeClock(clock, policy, now, { isPausedForTraining: false });
  return [
    {
      type: 'SlaClockResumed',
      data: {
        ticketId: state.ticketId,
        resumedAt: now,
        remainingMinutes: remainingMinutes(sla, sla.elapsedMinutes),
        sla,
      },
    },
  ];
};

const checkOutOfScopeCommand = ({ data }: MarkTicketOutOfScope): InvalidCommand | null =>
  firstProblem(checkText('category', data.category, 100), checkOptionalText('note', data.note));

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

const waiveDeadline = ({ data, metadata }: WaiveDeadline, state: OpenedTicket, policy: Policy): Decision => {
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
  return [
    {
      type: 'DeadlineWaived',
      data: {
        ticketId: state.ticketId,
        reason: data.reason,
        waivedBy: metadata.actor.id,
        waivedByRole: metadata.actor.role,
        waivedAt: metadata.now,
        ...(clock.status === 'Running' ? { previousDeadline: clock.deadline } : {}),
        sla: changeClock(clock, policy, metadata.now, { stop: 'waived' }),
      },
    },
  ];
};

const extendDeadline = ({ data, metadata }: ExtendDeadline, state: OpenedTicket, policy: Policy): Decision => {
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
        extendedAt: metadata.now,
        ...(clock.status === 'Running' ? { previousDeadline: clock.deadline } : {}),
        sla: changeClock(clock, policy, metadata.now, { addedExtensionMinutes: minutes }),
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

/** POLICY §7: each alert at most once per clock; a stale timer (older generation, clock not running) does nothing. */
const recordTimer = (command: TimerCommand, state: OpenedTicket, policy: Policy): Decision => {
  const { data, metadata } = command;
  const kind = TIMER_KIND[command.type];
  const { clock } = state;
  if (state.status !== 'Open' || clock.status !== 'Running') return [];
  if (clock.clockId !== data.clockId || clock.timerGeneration !== data.timerGeneration) return [];
  if (hasHappened(clock, kind)) return [];
  if (kind === 'escalation' && clock.breach === null) {
    return new SlaTimerNotDue(state.ticketId, 'breach', clock.deadline);
  }
  const dueAt = timerDueAt(clock, policy, state.plan, kind);
  if (Date.parse(metadata.now) < Date.parse(dueAt)) return new SlaTimerNotDue(state.ticketId, kind, dueAt);
  const ladder = planTerms(policy, state.plan).escalation;
  const facts = {
    ticketId: state.ticketId,
    clockId: clock.clockId,
    deadline: clock.deadline,
    allowanceMinutes: clock.allowanceMinutes,
    policyVersion: clock.policyVersion,
    timerGeneration: clock.timerGeneration,
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
            atRiskAt: metadata.now,
          },
        },
      ];
    case 'breach':
      return [
        {
          type: 'SlaBreached',
          data: { ...facts, recipients: [...ladder.recipients.breach], breachedAt: metadata.now },
        },
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
            escalatedAt: metadata.now,
          },
        },
      ];
    default:
      return assertNever(kind, []);
  }
};

const resolveTicket = ({ data, metadata }: ResolveTicket, state: OpenedTicket, policy: Policy): Decision => {
  const problem = checkOptionalText('note', data.note);
  if (problem) return problem;
  if (state.status === 'Resolved') return [];
  const { clock } = state;
  return [
    {
      type: 'TicketResolved',
      data: {
        ticketId: state.ticketId,
        resolvedBy: metadata.actor.id,
        resolvedAt: metadata.now,
        ...optional('note', data.note),
        sla: snapshotOf(
          clock.status === 'Stopped' ? clock : changeClock(clock, policy, metadata.now, { stop: 'resolved' }),
        ),
      },
    },
  ];
};

/** POLICY §6: a newer version changes an open ticket only through an explicit, recorded re-plan. */
const replanTicket = (
  { metadata }: ReplanTicket,
  state: OpenedTicket,
  policy: Policy,
  policies: PolicyLookup,
): Decision => {
  const { role } = metadata.actor;
  const target = policies.inForceAt(metadata.now);
  if (!target) return new PolicyVersionUnknown(metadata.now);
  const allowedRoles: readonly string[] = target.document.discretion.replanRoles;
  if (!allowedRoles.includes(role)) return new NotAllowed('re-plan a ticket', role, allowedRoles);
  const { clock } = state;
  if (target.version === clock.policyVersion) return [];
  if (clock.status === 'Stopped') return new SlaClockNotActive(state.ticketId, clock.clockId, clock.stoppedBecause);
  const sla = changeClock(clock, policy, metadata.now, {
    replanTo: { policy: target, baseAllowanceMinutes: firstResponseAllowanceMinutes(target, state.plan) },
    ...(clock.relaxation ? { relaxation: target.document.excessiveUse.relaxation } : {}),
  });
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

const decideOpened = (
  command: TicketCommand,
  state: OpenedTicket,
  policy: Policy,
  context: TicketContext,
): Decision => {
  const { now, actor } = command.metadata;
  switch (command.type) {
    case 'OpenTicket':
      return openTicket(command, state, context);
    case 'RecordResponse':
      return recordResponse(command, state, policy);
    case 'FlagCustomerFromTicket':
      return flagCustomerFromTicket(command, state);
    case 'RelaxSla':
      return relaxSla(state, policy, now);
    case 'EndSlaRelaxation':
      return endRelaxation(state, policy, now);
    case 'PauseSlaClockForTraining':
      return pauseForTraining(state, policy, now);
    case 'ResumeSlaClock':
      return resumeClock(state, policy, now);
    case 'MarkTicketOutOfScope':
      return (
        checkOutOfScopeCommand(command) ??
        markOutOfScope(state, policy, now, actor.id, command.data.category, command.data.note)
      );
    case 'OfferProfessionalServices':
      return offerProfessionalServices(command, state, policy);
    case 'BillProfessionalServices':
      return billProfessionalServices(command, state, policy);
    case 'WaiveDeadline':
      return waiveDeadline(command, state, policy);
    case 'ExtendDeadline':
      return extendDeadline(command, state, policy);
    case 'RecordSlaAtRisk':
    case 'RecordSlaBreach':
    case 'EscalateSlaBreach':
      return recordTimer(command, state, policy);
    case 'ResolveTicket':
      return resolveTicket(command, state, policy);
    case 'ReplanTicket':
      return replanTicket(command, state, policy, context.policies);
    default:
      return assertNever(command, new UnknownCommand((command as { type: string }).type));
  }
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
  return decideOpened(command, state, policy, context);
};

/** Decides a ticket command: the new events, `[]` for a duplicate or stale command, or the refusal. Never throws. */
export const decideTicket = (command: TicketCommand, state: TicketState, context: TicketContext): Decision => {
  try {
    return decideChecked(command, state, context);
  } catch (error) {
    if (error instanceof CalendarError) return new SupportTimeUncomputable(error.code, error.message);
    throw error;
  }
};

/** The ticket decider for `handleCommand`, closed over one command and its context. */
export const ticketDecider = (command: TicketCommand, context: TicketContext) => ({
  initialState: initialTicketState,
  evolve: evolveTicket,
  decide: (state: TicketState): Decision => decideTicket(command, state, context),
});
