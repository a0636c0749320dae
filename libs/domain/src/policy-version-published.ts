import type { Instant } from '@app/clock';
import type { PolicyVersionDocument } from '@app/policy';
import type { DomainEvent } from './command';

/** A policy version published through the API, appended to `POLICY_VERSIONS_STREAM`. */
export type PolicyVersionPublished = DomainEvent<
  'PolicyVersionPublished',
  {
    version: string;
    effectiveFrom: Instant;
    document: PolicyVersionDocument;
    publishedBy: string;
    publishedAt: Instant;
  }
>;
