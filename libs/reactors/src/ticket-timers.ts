import {
  evolveTicket,
  initialTicketState,
  TICKET_EVENT_TYPES,
  type TicketEvent,
  type TicketState,
  timerPlan,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { PolicyLookup } from '@app/policy';
import type { Timer } from '@app/scheduling';

/** A ticket names a policy version the book does not hold: its timers cannot be planned. */
export class PolicyVersionNotLoaded extends Error {
  readonly code = 'policy-version-not-loaded';
  constructor(
    readonly ticketId: string,
    readonly policyVersion: string,
  ) {
    super(`ticket ${ticketId} is governed by policy version ${policyVersion}, which is not loaded`);
  }
}

const TICKET_TYPES: ReadonlySet<string> = new Set(TICKET_EVENT_TYPES);

const isTicketEvent = (event: RecordedEvent): event is RecordedEvent & TicketEvent => TICKET_TYPES.has(event.type);

/** Folds one stored event into a ticket; events of other types leave it unchanged. */
export const evolveStoredTicket = (state: TicketState, event: RecordedEvent): TicketState =>
  isTicketEvent(event) ? evolveTicket(state, event) : state;

export const foldTicket = (events: readonly RecordedEvent[]): TicketState =>
  events.reduce(evolveStoredTicket, initialTicketState);

/**
 * The timers a ticket's state implies (POLICY §7), as the ticket decider plans them, so that a timer is never due
 * earlier than the decider accepts it: those of its outcomes not recorded yet.
 */
export const timersOfTicket = (state: TicketState, policies: PolicyLookup): Timer[] => {
  if (state.status !== 'Open') return [];
  const policy = policies.byVersion(state.clock.policyVersion);
  if (!policy) throw new PolicyVersionNotLoaded(state.ticketId, state.clock.policyVersion);
  return timerPlan(state, policy).map((planned) => ({
    id: planned.timerId,
    dueAt: planned.dueAt,
    payload: {
      kind: planned.kind,
      ticketId: planned.ticketId,
      clockId: planned.clockId,
      generation: planned.timerGeneration,
      dueAt: planned.dueAt,
    },
  }));
};
