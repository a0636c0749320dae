import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@app/event-store';
import { parsePolicyVersion, type Policy, PolicyBook, PolicyError, type PolicyLookup } from '@app/policy';

/** A policy version that cannot be used: the process refuses to start and names where it comes from. */
export class PolicyFileRejected extends Error {
  readonly code = 'policy-file-rejected';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`policy ${file} rejected: ${reason}`);
  }
}

/** Where the reactors get the policy book: it grows while they run, as versions are published. */
export interface PolicySource {
  current(): Promise<PolicyLookup>;
}

/** The stream and event type under which the API appends the versions published through it. */
export const POLICY_VERSIONS_STREAM = 'policy-versions';
const PUBLISHED = 'PolicyVersionPublished';

const parse = (source: string, document: unknown): Policy => {
  const policy = parsePolicyVersion(document);
  if (policy instanceof PolicyError) throw new PolicyFileRejected(source, policy.message);
  return policy;
};

const parseFile = (file: string): Policy => {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PolicyFileRejected(file, error instanceof Error ? error.message : String(error));
  }
  return parse(file, document);
};

const bookOf = (source: string, policies: readonly Policy[]): PolicyBook => {
  const book = PolicyBook.of(policies);
  if (book instanceof PolicyError) throw new PolicyFileRejected(source, book.message);
  return book;
};

/** Every `*.json` policy version of a folder (`POLICIES_DIR`). */
export const loadPolicyFiles = (dir: string): Policy[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => parseFile(join(dir, name)));

export const loadPolicyBook = (dir: string): PolicyBook => bookOf(dir, loadPolicyFiles(dir));

/** The versions shipped as files plus those published since, read from their stream as the reactors need them. */
export class PublishedPolicies implements PolicySource {
  private readonly published: Policy[] = [];
  private revision = -1;
  private book: PolicyBook;

  constructor(
    private readonly files: readonly Policy[],
    private readonly store: EventStore,
  ) {
    this.book = bookOf('files', files);
  }

  async current(): Promise<PolicyLookup> {
    const before = this.published.length;
    for await (const event of this.store.readStream(POLICY_VERSIONS_STREAM, { fromRevision: this.revision + 1 })) {
      if (event.type === PUBLISHED) {
        this.published.push(
          parse(`${POLICY_VERSIONS_STREAM}@${event.revision}`, (event.data as { document?: unknown }).document),
        );
      }
      this.revision = event.revision;
    }
    if (this.published.length !== before)
      this.book = bookOf(POLICY_VERSIONS_STREAM, [...this.files, ...this.published]);
    return this.book;
  }
}

/** A fixed book, for tests and one-off commands. */
export const fixedPolicies = (book: PolicyLookup): PolicySource => ({ current: async () => book });
