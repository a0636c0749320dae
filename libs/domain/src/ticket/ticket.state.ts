import type { Instant } from '@app/clock';
import type { Channel, Plan, Service } from '@app/policy';
import { assertNever } from '../domain-error';
import { RecordedIds } from './recorded-ids';
import type { SlaClock, SlaClockSnapshot } from './sla-clock';
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
  readonly clock: SlaClock;
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
  clock: { ...data.sla, atRiskAt: null, breach: null, escalatedAt: null },
  firstResponseAt: null,
  outOfScope: null,
  isProfessionalServicesOffered: false,
  recordedIds: RecordedIds.none(),
});

const evolveOpened = (state: OpenedTicket, event: TicketEvent): TicketState => {
  switch (event.type) {
    case 'TicketOpened':
      return state;
    case 'TicketResponded':
      return event.data.isFirstResponse
        ? {
            ...state,
            clock: withSnapshot(state.clock, event.data.sla),
            firstResponseAt: event.data.respondedAt,
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
      return { ...state, clock: withSnapshot(state.clock, event.data.sla) };
    case 'DeadlineExtended':
      return {
        ...state,
        clock: withSnapshot(state.clock, event.data.sla),
        recordedIds: state.recordedIds.including(event.data.extensionId),
      };
    case 'TicketMarkedOutOfScope': {
      const marked = {
        ...state,
        clock: withSnapshot(state.clock, event.data.sla),
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
    case 'TicketResolved':
      return {
        ...state,
        status: 'Resolved',
        resolvedAt: event.data.resolvedAt,
        clock: withSnapshot(state.clock, event.data.sla),
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
