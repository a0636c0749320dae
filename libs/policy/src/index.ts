export {
  ALERT_ROLES,
  CHANNELS,
  PLANS,
  SERVICES,
  STAFF_ROLES,
  WEEKDAYS,
  policyVersionSchema,
  type AlertRole,
  type CalendarSpec,
  type Channel,
  type EscalationLadder,
  type Plan,
  type PlanTerms,
  type PolicyVersionDocument,
  type Relaxation,
  type Service,
  type Weekday,
} from './policy-version.schema';
export {
  InvalidPolicyVersion,
  PolicyError,
  PolicyVersionConflict,
  PolicyVersionInPast,
  type ErrorKind,
  type PolicyProblem,
} from './policy-errors';
export {
  createSupportCalendar,
  fullDayMinutesOf,
  type SupportCalendar,
  type SupportInterval,
} from './support-calendar';
export {
  firstResponseAllowanceMinutes,
  isChannelCovered,
  isServiceCovered,
  parsePolicyVersion,
  planTerms,
  type Policy,
} from './policy';
export { PolicyBook, type PolicyLookup } from './policy-book';
export { firstPolicyVersionDocument } from './first-policy-version';
export {
  fixedPolicies,
  loadPolicyBook,
  loadPolicyFiles,
  openPublishedPolicies,
  PolicyFileRejected,
  policyBookOf,
  policyOfEvent,
  PublishedPolicies,
  type PolicyEntry,
  type PolicySource,
} from './book/published-policies';
export { POLICY_VERSIONS_STREAM, type PolicyVersionPublished } from './book/policy-version-published';
