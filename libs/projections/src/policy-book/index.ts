export {
  fixedPolicies,
  loadPolicyBook,
  loadPolicyFiles,
  PolicyFileRejected,
  policyBookOf,
  policyOfEvent,
  PublishedPolicies,
  type PolicyEntry,
  type PolicySource,
} from './published-policies';
