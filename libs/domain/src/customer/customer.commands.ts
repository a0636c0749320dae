import type { Instant } from '@app/clock';
import type { Plan } from '@app/policy';
import type { Command } from '@app/kernel';

/** A customer's ids in other systems, by source: `{ zendesk: '8447346622462' }`. */
export type ExternalRefs = Readonly<Record<string, string>>;

export type RegisterCustomer = Command<
  'RegisterCustomer',
  { customerId: string; name: string; licences: number; plan: Plan; externalRefs?: ExternalRefs }
>;
/** Sets the customer's id in one source, replacing the one it had there. */
export type SetCustomerExternalRef = Command<
  'SetCustomerExternalRef',
  { customerId: string; source: string; externalId: string }
>;
export type ChangeLicences = Command<'ChangeLicences', { customerId: string; licences: number }>;
export type AssignPlan = Command<'AssignPlan', { customerId: string; plan: Plan }>;
/** `occurredAt`: when the fact happened, when it is recorded later; defaults to the command's `now`. */
type Dated = { occurredAt?: Instant };
export type FlagCustomerForExcessiveRequests = Command<
  'FlagCustomerForExcessiveRequests',
  Dated & { customerId: string; reason: string; ticketId?: string }
>;
export type ClearExcessiveRequestsFlag = Command<
  'ClearExcessiveRequestsFlag',
  Dated & { customerId: string; reason?: string }
>;
export type RequireTraining = Command<'RequireTraining', Dated & { customerId: string }>;
export type RecordTrainingCompleted = Command<'RecordTrainingCompleted', Dated & { customerId: string }>;

export type CustomerCommand =
  | RegisterCustomer
  | ChangeLicences
  | AssignPlan
  | FlagCustomerForExcessiveRequests
  | ClearExcessiveRequestsFlag
  | RequireTraining
  | RecordTrainingCompleted
  | SetCustomerExternalRef;
