import type { Instant } from '@app/clock';
import type { Policy } from '@app/policy';

export interface FlagSuggestion {
  readonly isSuggested: boolean;
  readonly ticketsInWindow: number;
  readonly ticketsPerLicence: number;
  readonly threshold: number;
  readonly windowDays: number;
}

const DAY_MS = 86_400_000;

/**
 * POLICY §4: suggests flagging a customer whose tickets per licence over the rolling window reach the version's
 * threshold. Only a suggestion: flagging is a person's decision (`FlagCustomerForExcessiveRequests`).
 */
export const suggestFlag = (
  usage: { readonly licences: number; readonly ticketsReceivedAt: readonly Instant[]; readonly now: Instant },
  policy: Policy,
): FlagSuggestion => {
  const { ticketsPerLicence: threshold, windowDays } = policy.document.excessiveUse.suggestion;
  const end = Date.parse(usage.now);
  const start = end - windowDays * DAY_MS;
  const ticketsInWindow = usage.ticketsReceivedAt.filter((at) => {
    const t = Date.parse(at);
    return t > start && t <= end;
  }).length;
  // A customer without licences is measured as one licence, so the ratio stays finite.
  const ticketsPerLicence = ticketsInWindow / Math.max(1, usage.licences);
  return { isSuggested: ticketsPerLicence >= threshold, ticketsInWindow, ticketsPerLicence, threshold, windowDays };
};
