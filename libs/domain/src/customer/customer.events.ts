import type { Instant } from '@app/clock';
import type { Plan } from '@app/policy';
import type { DomainEvent } from '@app/kernel';
import type { ExternalRefs } from './customer.commands';

export type CustomerRegistered = DomainEvent<
  'CustomerRegistered',
  {
    customerId: string;
    name: string;
    licences: number;
    plan: Plan;
    policyVersion: string;
    registeredBy: string;
    registeredAt: Instant;
    /** The customer's ids in other systems; absent in events recorded before they existed, meaning none. */
    externalRefs?: ExternalRefs;
  }
>;
export type CustomerExternalRefSet = DomainEvent<
  'CustomerExternalRefSet',
  {
    customerId: string;
    source: string;
    externalId: string;
    /** The id it replaces in that source, if any. */
    previousExternalId?: string;
    setBy: string;
    setAt: Instant;
  }
>;
export type CustomerLicencesChanged = DomainEvent<
  'CustomerLicencesChanged',
  { customerId: string; previousLicences: number; licences: number; changedBy: string; changedAt: Instant }
>;
export type PlanAssigned = DomainEvent<
  'PlanAssigned',
  {
    customerId: string;
    plan: Plan;
    previousPlan: Plan;
    licences: number;
    policyVersion: string;
    assignedBy: string;
    assignedAt: Instant;
  }
>;
/** POLICY §1: the licences fell below the plan's minimum; the plan stays until someone changes it. */
export type PlanEligibilityLost = DomainEvent<
  'PlanEligibilityLost',
  { customerId: string; plan: Plan; licences: number; required: number; policyVersion: string; lostAt: Instant }
>;
export type PlanEligibilityRegained = DomainEvent<
  'PlanEligibilityRegained',
  { customerId: string; plan: Plan; licences: number; required: number; policyVersion: string; regainedAt: Instant }
>;
export type CustomerFlaggedForExcessiveRequests = DomainEvent<
  'CustomerFlaggedForExcessiveRequests',
  { customerId: string; reason: string; flaggedBy: string; flaggedAt: Instant; ticketId?: string }
>;
export type CustomerFlagCleared = DomainEvent<
  'CustomerFlagCleared',
  { customerId: string; clearedBy: string; clearedAt: Instant; reason?: string }
>;
export type CustomerTrainingRequired = DomainEvent<
  'CustomerTrainingRequired',
  { customerId: string; requiredBy: string; requiredAt: Instant }
>;
export type CustomerTrainingCompleted = DomainEvent<
  'CustomerTrainingCompleted',
  { customerId: string; recordedBy: string; completedAt: Instant }
>;

export type CustomerEvent =
  | CustomerRegistered
  | CustomerLicencesChanged
  | PlanAssigned
  | PlanEligibilityLost
  | PlanEligibilityRegained
  | CustomerFlaggedForExcessiveRequests
  | CustomerFlagCleared
  | CustomerTrainingRequired
  | CustomerTrainingCompleted
  | CustomerExternalRefSet;

export const CUSTOMER_EVENT_TYPES: readonly CustomerEvent['type'][] = [
  'CustomerRegistered',
  'CustomerLicencesChanged',
  'PlanAssigned',
  'PlanEligibilityLost',
  'PlanEligibilityRegained',
  'CustomerFlaggedForExcessiveRequests',
  'CustomerFlagCleared',
  'CustomerTrainingRequired',
  'CustomerTrainingCompleted',
  'CustomerExternalRefSet',
];
