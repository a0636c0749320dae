export const CUSTOMER_CATEGORY = 'customer';
export const TICKET_CATEGORY = 'ticket';

export const customerStream = (customerId: string): string => `${CUSTOMER_CATEGORY}-${customerId}`;
export const ticketStream = (ticketId: string): string => `${TICKET_CATEGORY}-${ticketId}`;

/** The stream of the policy versions published through the API (those shipped as files in `POLICIES_DIR` are not in it). */
export const POLICY_VERSIONS_STREAM = 'policy-versions';

/** Every API key's issue, rotation and revocation, in one stream so that names stay unique. */
export const API_KEYS_STREAM = 'apikeys-registry';
