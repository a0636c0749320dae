import {
  firstPolicyVersionDocument,
  parsePolicyVersion,
  type Policy,
  PolicyBook,
  type PolicyVersionDocument,
} from '@app/policy';

export const firstPolicyDocument = (): PolicyVersionDocument =>
  structuredClone(firstPolicyVersionDocument) as PolicyVersionDocument;

export const policyFrom = (document: unknown): Policy => {
  const policy = parsePolicyVersion(document);
  if (policy instanceof Error) throw policy;
  return policy;
};

/** A copy of the first version with changes, for specs of parameters. */
export const aPolicyVersion = (change: (document: PolicyVersionDocument) => void): Policy => {
  const document = firstPolicyDocument();
  change(document);
  return policyFrom(document);
};

export const FIRST_POLICY = policyFrom(firstPolicyVersionDocument);

export const bookOf = (...policies: Policy[]): PolicyBook => {
  const book = PolicyBook.of(policies);
  if (book instanceof Error) throw book;
  return book;
};
