export const CUSTOMER_CATEGORY = 'customer';
export const TICKET_CATEGORY = 'ticket';

export const customerStream = (customerId: string): string => `${CUSTOMER_CATEGORY}-${customerId}`;
export const ticketStream = (ticketId: string): string => `${TICKET_CATEGORY}-${ticketId}`;
