import type { Instant } from '@app/clock';
import type { Plan } from '@app/policy';
import type { Command } from '../command';

export type RegisterCustomer = Command<
  'RegisterCustomer',
  { customerId: string; name: string; licences: number; plan: Plan }
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
  | RecordTrainingCompleted;
