export const CUSTOMER_CATEGORY = 'customer';
export const TICKET_CATEGORY = 'ticket';

export const customerStream = (customerId: string): string => `${CUSTOMER_CATEGORY}-${customerId}`;
export const ticketStream = (ticketId: string): string => `${TICKET_CATEGORY}-${ticketId}`;

/** Every API key's issue, rotation and revocation, in one stream so that names stay unique. */
export const API_KEYS_STREAM = 'apikeys-registry';

/** Who holds a customer reference in a source: `customerref-zendesk:8447346622462`. */
export const customerRefStream = (source: string, externalId: string): string => `customerref-${source}:${externalId}`;
/** Every envelope a source sent about one of its tickets: `ingest-zendesk:35436`. */
export const INGEST_LEDGER_PREFIX = 'ingest-';
export const ingestLedgerStream = (source: string, ticketRef: string): string =>
  `${INGEST_LEDGER_PREFIX}${source}:${ticketRef}`;
/** What a source's own SLA reported about one of its tickets: `shadow-zendesk:35436`. */
export const SHADOW_PREFIX = 'shadow-';
export const shadowStream = (source: string, ticketRef: string): string => `${SHADOW_PREFIX}${source}:${ticketRef}`;
