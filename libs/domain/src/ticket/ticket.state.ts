import type { Instant } from '@app/clock';
import type { Channel, Plan, Service } from '@app/policy';
import { assertNever } from '../domain-error';
import { RecordedIds } from './recorded-ids';
import { type ClockFact, type ClockStart, insertFact } from './clock-timeline';
import type { SlaClock, SlaClockSnapshot } from './sla-clock';
import type { ExternalRef } from './ticket.commands';
import type { TicketEvent, TicketOpened } from './ticket.events';

export interface TicketBody {
  readonly ticketId: string;
  readonly customerId: string;
  readonly channel: Channel;
  readonly service?: Service;
  readonly subject: string;
  readonly plan: Plan;
  readonly handlingPriority: 'standard' | 'priority';
  readonly receivedAt: Instant;
  /** The ticket in the helpdesk it came from, `null` when opened through the engine's API. */
  readonly externalRef: ExternalRef | null;
  /** The clock as the last event that changed it recorded it, with the outcomes recorded since. */
  readonly clock: SlaClock;
  readonly clockStart: ClockStart;
  /** Every fact that changed the clock, in occurrence order. */
  readonly clockFacts: readonly ClockFact[];
  /** The earliest response by occurrence, whenever it was recorded. */
  readonly firstResponseAt: Instant | null;
  readonly outOfScope: { readonly category: string; readonly markedAt: Instant } | null;
  readonly isProfessionalServicesOffered: boolean;
  readonly recordedIds: RecordedIds;
}

export type TicketState =
  | { readonly status: 'NotOpened' }
  | (TicketBody & { readonly status: 'Open' })
  | (TicketBody & { readonly status: 'OutOfScope' })
  | (TicketBody & { readonly status: 'Resolved'; readonly resolvedAt: Instant });

export type OpenedTicket = Exclude<TicketState, { status: 'NotOpened' }>;

export const initialTicketState: TicketState = { status: 'NotOpened' };

const withSnapshot = (clock: SlaClock, sla: SlaClockSnapshot): SlaClock => ({
  ...sla,
  atRiskAt: clock.atRiskAt,
  breach: clock.breach,
  escalatedAt: clock.escalatedAt,
});

const opened = ({ data }: TicketOpened): TicketState => ({
  status: 'Open',
  ticketId: data.ticketId,
  customerId: data.customerId,
  channel: data.channel,
  ...(data.service === undefined ? {} : { service: data.service }),
  subject: data.subject,
  plan: data.plan,
  handlingPriority: data.handlingPriority,
  receivedAt: data.receivedAt,
  externalRef: data.externalRef ?? null,
  clock: { ...data.sla, atRiskAt: null, breach: null, escalatedAt: null },
  clockStart: {
    clockId: data.sla.clockId,
    startedAt: data.receivedAt,
    policyVersion: data.sla.policyVersion,
    baseAllowanceMinutes: data.sla.baseAllowanceMinutes,
  },
  clockFacts: [],
  firstResponseAt: null,
  outOfScope: null,
  isProfessionalServicesOffered: false,
  recordedIds: RecordedIds.none(),
});

const earliest = (a: Instant | null, b: Instant): Instant => (a !== null && Date.parse(a) <= Date.parse(b) ? a : b);

/** The clock fact an event records, if it changes the clock. */
export const clockFactOf = (event: TicketEvent): ClockFact | null => {
  switch (event.type) {
    case 'TicketResponded':
      return event.data.isFirstResponse ? { kind: 'stopped', at: event.data.respondedAt, reason: 'responded' } : null;
    case 'SlaRelaxed': {
      const relaxation = event.data.relaxation ?? event.data.sla.relaxation;
      return relaxation ? { kind: 'relaxed', at: event.data.relaxedAt, relaxation } : null;
    }
    case 'SlaRelaxationEnded':
      return { kind: 'relaxation-ended', at: event.data.endedAt };
    case 'SlaClockPausedForTraining':
      return { kind: 'paused-for-training', at: event.data.pausedAt };
    case 'SlaClockResumed':
      return { kind: 'resumed', at: event.data.resumedAt };
    case 'DeadlineExtended':
      return { kind: 'extended', at: event.data.extendedAt, minutes: event.data.extensionMinutes };
    case 'TicketReplanned':
      return {
        kind: 'replanned',
        at: event.data.replannedAt,
        policyVersion: event.data.policyVersion,
        baseAllowanceMinutes: event.data.sla.baseAllowanceMinutes,
        ...(event.data.sla.relaxation ? { relaxation: event.data.sla.relaxation } : {}),
      };
    case 'TicketMarkedOutOfScope':
      return { kind: 'stopped', at: event.data.markedAt, reason: 'out-of-scope' };
    case 'DeadlineWaived':
      return { kind: 'stopped', at: event.data.waivedAt, reason: 'waived' };
    case 'TicketResolved':
      return { kind: 'stopped', at: event.data.resolvedAt, reason: 'resolved' };
    default:
      return null;
  }
};

const withClockEvent = (state: OpenedTicket, sla: SlaClockSnapshot, event: TicketEvent): OpenedTicket => {
  const fact = clockFactOf(event);
  return {
    ...state,
    clock: withSnapshot(state.clock, sla),
    clockFacts: fact ? insertFact(state.clockFacts, fact) : state.clockFacts,
  };
};

const evolveOpened = (state: OpenedTicket, event: TicketEvent): TicketState => {
  switch (event.type) {
    case 'TicketOpened':
      return state;
    case 'TicketResponded':
      return event.data.isFirstResponse
        ? {
            ...withClockEvent(state, event.data.sla, event),
            firstResponseAt: earliest(state.firstResponseAt, event.data.respondedAt),
            recordedIds: state.recordedIds.including(event.data.responseId),
          }
        : { ...state, recordedIds: state.recordedIds.including(event.data.responseId) };
    case 'TicketCustomerFlaggedExcessive':
      return state;
    case 'ProfessionalServicesOffered':
      return { ...state, isProfessionalServicesOffered: true };
    case 'ProfessionalServicesBilled':
      return { ...state, recordedIds: state.recordedIds.including(event.data.entryId) };
    case 'SlaRelaxed':
    case 'SlaRelaxationEnded':
    case 'SlaClockPausedForTraining':
    case 'SlaClockResumed':
    case 'DeadlineWaived':
    case 'TicketReplanned':
      return withClockEvent(state, event.data.sla, event);
    case 'DeadlineExtended':
      return {
        ...withClockEvent(state, event.data.sla, event),
        recordedIds: state.recordedIds.including(event.data.extensionId),
      };
    case 'TicketMarkedOutOfScope': {
      const marked = {
        ...withClockEvent(state, event.data.sla, event),
        outOfScope: { category: event.data.category, markedAt: event.data.markedAt },
      };
      return marked.status === 'Resolved' ? marked : { ...marked, status: 'OutOfScope' };
    }
    case 'SlaAtRisk':
      return { ...state, clock: { ...state.clock, atRiskAt: event.data.atRiskAt } };
    case 'SlaBreached':
      return {
        ...state,
        clock: { ...state.clock, breach: { deadline: event.data.deadline, breachedAt: event.data.breachedAt } },
      };
    case 'SlaBreachEscalated':
      return { ...state, clock: { ...state.clock, escalatedAt: event.data.escalatedAt } };
    case 'SlaAtRiskRetracted':
      return { ...state, clock: { ...state.clock, atRiskAt: null } };
    case 'SlaBreachRetracted':
      return { ...state, clock: { ...state.clock, breach: null } };
    case 'SlaEscalationRetracted':
      return { ...state, clock: { ...state.clock, escalatedAt: null } };
    case 'TicketResolved':
      return {
        ...withClockEvent(state, event.data.sla, event),
        status: 'Resolved',
        resolvedAt: event.data.resolvedAt,
      };
    default:
      return assertNever(event, state);
  }
};

/** Folds one event into the ticket; total: an event that does not apply leaves the state unchanged. */
export const evolveTicket = (state: TicketState, event: TicketEvent): TicketState => {
  if (state.status === 'NotOpened') return event.type === 'TicketOpened' ? opened(event) : state;
  return evolveOpened(state, event);
};

/** Open or out of scope, with no response yet: the ticket waits for its first response. */
export const isAwaitingFirstResponse = (
  state: TicketState,
): state is OpenedTicket & { status: 'Open' | 'OutOfScope' } =>
  (state.status === 'Open' || state.status === 'OutOfScope') && state.firstResponseAt === null;

/**
 * After this event the ticket never waits for its first response again: once answered, its earliest response stays; once
 * resolved, it stays resolved. What follows it need not be folded to know that.
 */
export const endsFirstResponseWait = (event: TicketEvent): boolean =>
  event.type === 'TicketResolved' || (event.type === 'TicketResponded' && event.data.isFirstResponse);
