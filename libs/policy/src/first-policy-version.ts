import document from '../../../policies/2017-11-23.json';

/** The first policy version, `2017-11-23`, as data (`policies/2017-11-23.json`), not yet validated. */
export const firstPolicyVersionDocument: unknown = document;
