import type { Channel, Plan } from '@app/policy';
import { DomainError } from '../domain-error';

export class TicketNotFound extends DomainError {
  readonly code = 'ticket-not-found';
  readonly kind = 'not-found';
  constructor(readonly ticketId: string) {
    super(`no ticket ${ticketId}`);
  }
}

export class TicketAlreadyOpened extends DomainError {
  readonly code = 'ticket-already-opened';
  readonly kind = 'conflict';
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} is already open with other details`);
  }
}

export class TicketResolvedAlready extends DomainError {
  readonly code = 'ticket-resolved';
  readonly kind = 'conflict';
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} is resolved`);
  }
}

/** POLICY §1: a request through a channel the plan does not cover. */
export class ChannelNotCovered extends DomainError {
  readonly code = 'channel-not-covered';
  readonly kind = 'policy-refusal';
  constructor(
    readonly channel: Channel,
    readonly plan: Plan,
    readonly coveredChannels: readonly Channel[],
  ) {
    super(
      `the ${plan} plan does not cover ${channel}; it covers ${coveredChannels.join(', ')} (or open it as paid assistance)`,
    );
  }
}

export class UnknownOutOfScopeCategory extends DomainError {
  readonly code = 'unknown-out-of-scope-category';
  readonly kind = 'policy-refusal';
  constructor(
    readonly category: string,
    readonly allowedCategories: readonly string[],
  ) {
    super(`"${category}" is not an out-of-scope category; use one of ${allowedCategories.join(', ')}`);
  }
}

/** POLICY §5: billed time only on out-of-scope or beyond-plan work. */
export class BillingNotAllowed extends DomainError {
  readonly code = 'billing-not-allowed';
  readonly kind = 'policy-refusal';
  constructor(readonly ticketId: string) {
    super(
      `ticket ${ticketId} is covered by support; mark it out of scope before offering or billing professional services`,
    );
  }
}

export class ProfessionalServicesUnavailable extends DomainError {
  readonly code = 'professional-services-unavailable';
  readonly kind = 'policy-refusal';
  constructor(readonly policyVersion: string) {
    super(`professional services are not available under policy version ${policyVersion}`);
  }
}

export class InvalidBilledHours extends DomainError {
  readonly code = 'invalid-billed-hours';
  readonly kind = 'invalid';
  constructor(
    readonly hours: unknown,
    readonly maxHours: number,
  ) {
    super(`billed hours must be more than 0 and at most ${maxHours} per entry`);
  }
}

export class SlaClockNotActive extends DomainError {
  readonly code = 'sla-clock-not-active';
  readonly kind = 'conflict';
  constructor(
    readonly ticketId: string,
    readonly clockId: string,
    readonly stoppedBecause: string,
  ) {
    super(`the SLA clock of ticket ${ticketId} has stopped (${stoppedBecause})`);
  }
}

/** A timer that fired before its instant: the worker retries it later. */
export class SlaTimerNotDue extends DomainError {
  readonly code = 'sla-timer-not-due';
  readonly kind = 'conflict';
  constructor(
    readonly ticketId: string,
    readonly timer: 'at-risk' | 'breach' | 'escalation',
    readonly dueAt: string,
  ) {
    super(`the ${timer} timer of ticket ${ticketId} is due at ${dueAt}`);
  }
}

/** A receipt older than the calendar can count from today: its deadline could be computed but never its answer. */
export class ReceiptBeyondHorizon extends DomainError {
  readonly code = 'receipt-beyond-horizon';
  readonly kind = 'policy-refusal';
  constructor(
    readonly receivedAt: string,
    readonly horizonYears: number,
  ) {
    super(`a ticket received at ${receivedAt} is beyond the calendar's ${horizonYears}-year horizon`);
  }
}
