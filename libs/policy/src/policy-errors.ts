/** How a refusal maps to an answer: `invalid` 400, `not-found` 404, `conflict` 409, `policy-refusal` 422, `forbidden` 403. */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'policy-refusal' | 'forbidden';

/** One problem in a policy version document: where (`plans.premium.channels.0`) and why. */
export interface PolicyProblem {
  readonly path: string;
  readonly reason: string;
}

/** Base of the refusals of the policy library; same shape as the domain's errors (`code`, `kind`). */
export abstract class PolicyError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
}

export class InvalidPolicyVersion extends PolicyError {
  readonly code = 'invalid-policy-version';
  readonly kind = 'invalid';
  constructor(readonly problems: readonly PolicyProblem[]) {
    super(`the policy version is invalid: ${problems.map((p) => `${p.path || '(document)'}: ${p.reason}`).join('; ')}`);
  }
}

export class PolicyVersionInPast extends PolicyError {
  readonly code = 'policy-version-in-past';
  readonly kind = 'policy-refusal';
  constructor(
    readonly version: string,
    readonly effectiveFrom: string,
    readonly now: string,
  ) {
    super(`policy version ${version} would take effect at ${effectiveFrom}, which is already past`);
  }
}

export class PolicyVersionConflict extends PolicyError {
  readonly code = 'policy-version-conflict';
  readonly kind = 'conflict';
  constructor(
    readonly version: string,
    readonly conflictsWith: string,
    readonly reason: 'same-version-different-content' | 'same-effective-instant',
  ) {
    super(
      reason === 'same-effective-instant'
        ? `policy version ${version} takes effect at the same instant as version ${conflictsWith}`
        : `policy version ${version} is already published with different content`,
    );
  }
}
