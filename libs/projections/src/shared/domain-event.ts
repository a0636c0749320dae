import { CUSTOMER_EVENT_TYPES, type CustomerEvent, TICKET_EVENT_TYPES, type TicketEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';

const TICKET_TYPES = new Set<string>(TICKET_EVENT_TYPES);
const CUSTOMER_TYPES = new Set<string>(CUSTOMER_EVENT_TYPES);

/**
 * The log holds only events the domain wrote (upcast on read), so a known type is read as its domain event; the
 * recorded event itself is returned, as a rebuild reads millions of them.
 */
export const asTicketEvent = (event: RecordedEvent): TicketEvent | undefined =>
  TICKET_TYPES.has(event.type) ? (event as unknown as TicketEvent) : undefined;

export const asCustomerEvent = (event: RecordedEvent): CustomerEvent | undefined =>
  CUSTOMER_TYPES.has(event.type) ? (event as unknown as CustomerEvent) : undefined;
