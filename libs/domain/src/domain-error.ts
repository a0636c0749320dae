import type { ErrorKind } from '@app/policy';

export type { ErrorKind } from '@app/policy';

/**
 * A refused command. Deciders return it, never throw it. `code` is stable kebab-case; `kind` says how the
 * HTTP layer answers (`invalid` 400, `not-found` 404, `conflict` 409, `policy-refusal` 422, `forbidden` 403).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
}

export class InvalidCommand extends DomainError {
  readonly code = 'invalid-command';
  readonly kind = 'invalid';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class NotAllowed extends DomainError {
  readonly code = 'not-allowed';
  readonly kind = 'forbidden';
  constructor(
    readonly action: string,
    readonly role: string,
    readonly allowedRoles: readonly string[],
  ) {
    super(`only ${allowedRoles.join(' or ')} may ${action}; you are ${role}`);
  }
}

export class PolicyVersionUnknown extends DomainError {
  readonly code = 'policy-version-unknown';
  readonly kind = 'not-found';
  constructor(readonly at: string) {
    super(`no policy version governs ${at}`);
  }
}

/** The calendar could not compute a time (an instant beyond its horizon): a refusal rather than an exception. */
export class SupportTimeUncomputable extends DomainError {
  readonly code = 'support-time-uncomputable';
  readonly kind = 'invalid';
  constructor(
    readonly calendarCode: string,
    readonly reason: string,
  ) {
    super(`the support time cannot be computed: ${reason}`);
  }
}

export class UnknownCommand extends DomainError {
  readonly code = 'unknown-command';
  readonly kind = 'invalid';
  constructor(readonly type: string) {
    super(`unknown command ${type}`);
  }
}

/** Exhaustiveness at compile time; at run time (data from outside) the fallback is returned instead of throwing. */
export const assertNever = <T>(_value: never, fallback: T): T => fallback;
