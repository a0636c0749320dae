import type { Instant } from '@app/clock';
import { InvalidPolicyVersion } from './policy-errors';
import {
  type Channel,
  type Plan,
  type PlanTerms,
  policyVersionSchema,
  type PolicyVersionDocument,
  type Service,
} from './policy-version.schema';
import { createSupportCalendar, type SupportCalendar } from './support-calendar';

/** A validated policy version with its calendar built: what deciders receive. */
export interface Policy {
  readonly version: string;
  /** Normalised to a UTC instant. */
  readonly effectiveFrom: Instant;
  readonly document: PolicyVersionDocument;
  readonly calendar: SupportCalendar;
}

const allowanceMinutesOf = (terms: PlanTerms, calendar: SupportCalendar): number => {
  const allowance = terms.firstResponseAllowance;
  if ('businessDays' in allowance) return allowance.businessDays * calendar.fullDayMinutes;
  if ('businessHours' in allowance) return allowance.businessHours * 60;
  return allowance.businessMinutes;
};

export const planTerms = (policy: Policy, plan: Plan): PlanTerms => policy.document.plans[plan];

/** The plan's first-response allowance in support minutes (business days through the calendar's full day). */
export const firstResponseAllowanceMinutes = (policy: Policy, plan: Plan): number =>
  allowanceMinutesOf(planTerms(policy, plan), policy.calendar);

export const isChannelCovered = (policy: Policy, plan: Plan, channel: Channel): boolean =>
  planTerms(policy, plan).channels.includes(channel);

export const isServiceCovered = (policy: Policy, plan: Plan, service: Service): boolean =>
  planTerms(policy, plan).services.includes(service);

const pathOf = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/**
 * Validates a policy version document and builds its calendar. Never throws: an invalid document is refused
 * with every problem listed.
 */
export const parsePolicyVersion = (input: unknown): Policy | InvalidPolicyVersion => {
  const parsed = policyVersionSchema.safeParse(input);
  if (!parsed.success) {
    return new InvalidPolicyVersion(parsed.error.issues.map((i) => ({ path: pathOf(i.path), reason: i.message })));
  }
  const document = parsed.data;
  let calendar: SupportCalendar;
  try {
    calendar = createSupportCalendar(document.calendar);
  } catch (error) {
    return new InvalidPolicyVersion([
      { path: 'calendar', reason: error instanceof Error ? error.message : 'the calendar cannot be built' },
    ]);
  }
  return {
    version: document.version,
    effectiveFrom: new Date(document.effectiveFrom).toISOString(),
    document,
    calendar,
  };
};
