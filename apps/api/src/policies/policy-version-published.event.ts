import type { Instant } from '@app/clock';
import type { PolicyVersionDocument } from '@app/policy';

/** The stream of the policy versions published through the API (those shipped as files are not in it). */
export const POLICY_VERSIONS_STREAM = 'policy-versions';

export interface PolicyVersionPublished {
  readonly type: 'PolicyVersionPublished';
  readonly data: {
    readonly version: string;
    readonly effectiveFrom: Instant;
    readonly document: PolicyVersionDocument;
    readonly publishedBy: string;
    readonly publishedAt: Instant;
  };
}
