import type { Instant } from '@app/clock';
import type { Plan } from '@app/policy';
import { assertNever } from '../domain-error';
import type { ExternalRefs } from './customer.commands';
import type { CustomerEvent } from './customer.events';

export interface CustomerFlag {
  readonly reason: string;
  readonly flaggedBy: string;
  readonly flaggedAt: Instant;
}

export type CustomerState =
  | { readonly status: 'Unregistered' }
  | {
      readonly status: 'Registered';
      readonly customerId: string;
      readonly name: string;
      readonly licences: number;
      readonly plan: Plan;
      readonly isPlanEligible: boolean;
      readonly flag: CustomerFlag | null;
      readonly isTrainingRequired: boolean;
      /** When the training now required was required; `null` when none is. */
      readonly trainingRequiredAt: Instant | null;
      readonly externalRefs: ExternalRefs;
    };

export const initialCustomerState: CustomerState = { status: 'Unregistered' };

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState => {
  if (event.type === 'CustomerRegistered') {
    if (state.status !== 'Unregistered') return state;
    const { customerId, name, licences, plan, externalRefs = {} } = event.data;
    return {
      status: 'Registered',
      customerId,
      name,
      licences,
      plan,
      isPlanEligible: true,
      flag: null,
      isTrainingRequired: false,
      trainingRequiredAt: null,
      externalRefs,
    };
  }
  if (state.status !== 'Registered') return state;
  switch (event.type) {
    case 'CustomerLicencesChanged':
      return { ...state, licences: event.data.licences };
    case 'PlanAssigned':
      return { ...state, plan: event.data.plan, isPlanEligible: true };
    case 'PlanEligibilityLost':
      return { ...state, isPlanEligible: false };
    case 'PlanEligibilityRegained':
      return { ...state, isPlanEligible: true };
    case 'CustomerFlaggedForExcessiveRequests': {
      const { reason, flaggedBy, flaggedAt } = event.data;
      return { ...state, flag: { reason, flaggedBy, flaggedAt } };
    }
    case 'CustomerFlagCleared':
      return { ...state, flag: null };
    case 'CustomerTrainingRequired':
      return { ...state, isTrainingRequired: true, trainingRequiredAt: event.data.requiredAt };
    case 'CustomerTrainingCompleted':
      return { ...state, isTrainingRequired: false, trainingRequiredAt: null };
    case 'CustomerExternalRefSet':
      return { ...state, externalRefs: { ...state.externalRefs, [event.data.source]: event.data.externalId } };
    default:
      return assertNever(event, state);
  }
};

/** What the ticket decider needs to know of a customer. */
export interface CustomerStanding {
  readonly customerId: string;
  readonly plan: Plan;
  readonly licences: number;
  readonly isPlanEligible: boolean;
  readonly isFlagged: boolean;
  readonly isTrainingRequired: boolean;
  /** POLICY §4: when the flag and the training requirement began, so a backdated ticket inherits them from then. */
  readonly flaggedAt?: Instant;
  readonly trainingRequiredAt?: Instant;
}

/** The customer's standing for a ticket context; `null` when the customer is not registered. */
export const customerStanding = (state: CustomerState): CustomerStanding | null =>
  state.status === 'Registered'
    ? {
        customerId: state.customerId,
        plan: state.plan,
        licences: state.licences,
        isPlanEligible: state.isPlanEligible,
        isFlagged: state.flag !== null,
        isTrainingRequired: state.isTrainingRequired,
        ...(state.flag ? { flaggedAt: state.flag.flaggedAt } : {}),
        ...(state.trainingRequiredAt ? { trainingRequiredAt: state.trainingRequiredAt } : {}),
      }
    : null;
