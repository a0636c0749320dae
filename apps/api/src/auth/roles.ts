export const ROLES = ['agent', 'lead', 'ops', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who may call what. Waivers and re-plans are further limited by the policy version's `discretion` roles. */
export const READERS: readonly Role[] = ROLES;
export const TICKET_WRITERS: readonly Role[] = ['agent', 'lead', 'admin'];
export const CUSTOMER_CARERS: readonly Role[] = ['agent', 'lead', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];
/** Who sees health details (errors, log positions) and reads `/metrics`. */
export const OPERATORS: readonly Role[] = ['ops', 'admin'];

/** The authenticated caller, recorded as the actor of every event it causes. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
}

export const ALLOWED_ROLES = 'allowedRoles';
