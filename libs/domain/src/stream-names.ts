export const CUSTOMER_CATEGORY = 'customer';
export const TICKET_CATEGORY = 'ticket';

export const customerStream = (customerId: string): string => `${CUSTOMER_CATEGORY}-${customerId}`;
export const ticketStream = (ticketId: string): string => `${TICKET_CATEGORY}-${ticketId}`;

/** Every API key's issue, rotation and revocation, in one stream so that names stay unique. */
export const API_KEYS_STREAM = 'apikeys-registry';
