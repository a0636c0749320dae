import type { Instant } from '@app/clock';
import type { PolicyVersionDocument } from '../policy-version.schema';

/** The stream of the policy versions published through the API (those shipped as files in `POLICIES_DIR` are not in it). */
export const POLICY_VERSIONS_STREAM = 'policy-versions';

/** A policy version published through the API, appended to `POLICY_VERSIONS_STREAM`. */
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
