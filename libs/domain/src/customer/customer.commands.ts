import type { Plan } from '@app/policy';
import type { Command } from '../command';

export type RegisterCustomer = Command<
  'RegisterCustomer',
  { customerId: string; name: string; licences: number; plan: Plan }
>;
export type ChangeLicences = Command<'ChangeLicences', { customerId: string; licences: number }>;
export type AssignPlan = Command<'AssignPlan', { customerId: string; plan: Plan }>;
export type FlagCustomerForExcessiveRequests = Command<
  'FlagCustomerForExcessiveRequests',
  { customerId: string; reason: string; ticketId?: string }
>;
export type ClearExcessiveRequestsFlag = Command<'ClearExcessiveRequestsFlag', { customerId: string; reason?: string }>;
export type RequireTraining = Command<'RequireTraining', { customerId: string }>;
export type RecordTrainingCompleted = Command<'RecordTrainingCompleted', { customerId: string }>;

export type CustomerCommand =
  | RegisterCustomer
  | ChangeLicences
  | AssignPlan
  | FlagCustomerForExcessiveRequests
  | ClearExcessiveRequestsFlag
  | RequireTraining
  | RecordTrainingCompleted;
