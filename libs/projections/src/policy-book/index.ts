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
} from './published-policies';
