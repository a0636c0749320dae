import type { Actor as EventActor } from '@app/kernel';

export const ROLES = ['agent', 'lead', 'ops', 'auditor', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Who may call what. Waivers and re-plans are further limited by the policy version's `discretion` roles. */
export const READERS: readonly Role[] = ['agent', 'lead', 'ops', 'auditor', 'admin'];
export const TICKET_WRITERS: readonly Role[] = ['agent', 'lead', 'admin'];
export const CUSTOMER_CARERS: readonly Role[] = ['agent', 'lead', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];
/** A helpdesk feeding facts: it may only post to the ingest endpoints, each also signed with its source's secret. */
export const INTEGRATIONS: readonly Role[] = ['integration', 'admin'];
/** Who sees health details (errors, log positions) and reads `/metrics`. */
export const OPERATORS: readonly Role[] = ['ops', 'admin'];

/** The authenticated caller, recorded as the actor of every event it causes: one of the API's roles. */
export interface Actor extends EventActor {
  readonly role: Role;
}

export const ALLOWED_ROLES = 'allowedRoles';
