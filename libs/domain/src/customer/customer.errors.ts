import type { Plan } from '@app/policy';
import { DomainError } from '../domain-error';

export class CustomerNotFound extends DomainError {
  readonly code = 'customer-not-found';
  readonly kind = 'not-found';
  constructor(readonly customerId: string) {
    super(`no customer ${customerId}`);
  }
}

export class CustomerAlreadyRegistered extends DomainError {
  readonly code = 'customer-already-registered';
  readonly kind = 'conflict';
  constructor(readonly customerId: string) {
    super(`customer ${customerId} is already registered with other details`);
  }
}

/** POLICY §1: priority and premium need the plan's minimum licences. */
export class PlanNotEligible extends DomainError {
  readonly code = 'plan-not-eligible';
  readonly kind = 'policy-refusal';
  constructor(
    readonly plan: Plan,
    readonly licences: number,
    readonly required: number,
  ) {
    super(`the ${plan} plan needs at least ${required} licences; the customer has ${licences}`);
  }
}

/** A reference in a source names one customer at a time. */
export class ExternalRefTaken extends DomainError {
  readonly code = 'external-ref-taken';
  readonly kind = 'conflict';
  constructor(
    readonly source: string,
    readonly externalId: string,
    readonly customerId: string,
  ) {
    super(`${source} reference ${externalId} belongs to customer ${customerId}`);
  }
}
