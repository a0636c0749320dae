import type { Instant } from '@app/clock';
import type { Policy } from './policy';
import { type PolicyError, PolicyVersionConflict, PolicyVersionInPast } from './policy-errors';

/** What a decider needs of the policy book: the version in force at an instant, or a named one. */
export interface PolicyLookup {
  inForceAt(instant: Instant): Policy | undefined;
  byVersion(version: string): Policy | undefined;
}

const isSameContent = (a: Policy, b: Policy): boolean => JSON.stringify(a.document) === JSON.stringify(b.document);

const conflictOf = (versions: readonly Policy[], candidate: Policy): PolicyVersionConflict | 'identical' | null => {
  for (const existing of versions) {
    if (existing.version === candidate.version) {
      return isSameContent(existing, candidate)
        ? 'identical'
        : new PolicyVersionConflict(candidate.version, existing.version, 'same-version-different-content');
    }
    if (existing.effectiveFrom === candidate.effectiveFrom) {
      return new PolicyVersionConflict(candidate.version, existing.version, 'same-effective-instant');
    }
  }
  return null;
};

/** Every policy version with its effective instant; immutable, each change returns a new book. */
export class PolicyBook implements PolicyLookup {
  private constructor(private readonly ordered: readonly Policy[]) {}

  static empty(): PolicyBook {
    return new PolicyBook([]);
  }

  /** Loads versions already in force (from data or from the log), without the "not in the past" check. */
  static of(policies: readonly Policy[]): PolicyBook | PolicyVersionConflict {
    let book = PolicyBook.empty();
    for (const policy of policies) {
      const conflict = conflictOf(book.ordered, policy);
      if (conflict instanceof PolicyVersionConflict) return conflict;
      if (conflict === null) book = book.with(policy);
    }
    return book;
  }

  /** Publishes a new version: refused when it takes effect before `now` or conflicts; an identical one is a no-op. */
  publish(policy: Policy, now: Instant): PolicyBook | PolicyError {
    const conflict = conflictOf(this.ordered, policy);
    if (conflict === 'identical') return this;
    if (conflict) return conflict;
    if (Date.parse(policy.effectiveFrom) < Date.parse(now)) {
      return new PolicyVersionInPast(policy.version, policy.effectiveFrom, now);
    }
    return this.with(policy);
  }

  /** The version governing something received at `instant`: the latest one effective at or before it. */
  inForceAt(instant: Instant): Policy | undefined {
    const at = Date.parse(instant);
    return this.ordered.findLast((p) => Date.parse(p.effectiveFrom) <= at);
  }

  byVersion(version: string): Policy | undefined {
    return this.ordered.find((p) => p.version === version);
  }

  /** All versions, oldest effective first. */
  versions(): readonly Policy[] {
    return this.ordered;
  }

  private with(policy: Policy): PolicyBook {
    return new PolicyBook(
      [...this.ordered, policy].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom)),
    );
  }
}
