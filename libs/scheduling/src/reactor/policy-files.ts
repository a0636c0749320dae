import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyVersion, type Policy, PolicyBook, PolicyError } from '@app/policy';

/** A policy file that cannot be used: the process refuses to start and names the file. */
export class PolicyFileRejected extends Error {
  readonly code = 'policy-file-rejected';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`policy file ${file} rejected: ${reason}`);
  }
}

const parseFile = (file: string): Policy => {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PolicyFileRejected(file, error instanceof Error ? error.message : String(error));
  }
  const policy = parsePolicyVersion(document);
  if (policy instanceof PolicyError) throw new PolicyFileRejected(file, policy.message);
  return policy;
};

/** Every `*.json` policy version of a folder (`POLICIES_DIR`), as a book. */
export const loadPolicyBook = (dir: string): PolicyBook => {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
  const book = PolicyBook.of(files.map(parseFile));
  if (book instanceof PolicyError) throw new PolicyFileRejected(dir, book.message);
  return book;
};
