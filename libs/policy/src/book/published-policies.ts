import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@app/event-store';
import { type Policy, parsePolicyVersion } from '../policy';
import { PolicyBook, type PolicyLookup } from '../policy-book';
import { PolicyError } from '../policy-errors';
import { POLICY_VERSIONS_STREAM, type PolicyVersionPublished } from './policy-version-published';

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

/** A version of the book and where it comes from: a file of `POLICIES_DIR` or the stream of published versions. */
export interface PolicyEntry {
  readonly policy: Policy;
  readonly source: 'file' | 'published';
}

const PUBLISHED: PolicyVersionPublished['type'] = 'PolicyVersionPublished';

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

/** The book of these versions; a conflict between them is refused, naming `source`. */
export const policyBookOf = (policies: readonly Policy[], source: string = POLICY_VERSIONS_STREAM): PolicyBook => {
  const book = PolicyBook.of(policies);
  if (book instanceof PolicyError) throw new PolicyFileRejected(source, book.message);
  return book;
};

/** The version of a published event as stored; the document was validated before it was appended. */
export const policyOfEvent = (event: PolicyVersionPublished, source: string = POLICY_VERSIONS_STREAM): Policy =>
  parse(source, event.data.document);

/** Every `*.json` policy version of a folder (`POLICIES_DIR`), in the order of their names. */
export const loadPolicyFiles = (dir: string): Policy[] => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new PolicyFileRejected(
      dir,
      `the folder cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => parseFile(join(dir, name)));
};

export const loadPolicyBook = (dir: string): PolicyBook => policyBookOf(loadPolicyFiles(dir), dir);

/**
 * The policy book: the versions shipped as files plus those published through the API, read from their stream at
 * each call, so that every process sees a version as soon as it is appended and after a restart. Concurrent callers
 * catch up one after the other.
 */
export class PublishedPolicies implements PolicySource {
  private readonly published: Policy[] = [];
  private revision = -1;
  private book: PolicyBook;
  private catchingUp: Promise<PolicyBook>;

  constructor(
    private readonly files: readonly Policy[],
    private readonly store: EventStore,
  ) {
    this.book = policyBookOf(files, 'files');
    this.catchingUp = Promise.resolve(this.book);
  }

  /** The versions shipped as files. */
  get filePolicies(): readonly Policy[] {
    return this.files;
  }

  /** The book with every version appended so far. */
  current(): Promise<PolicyBook> {
    const catchUp = (): Promise<PolicyBook> => this.catchUp();
    this.catchingUp = this.catchingUp.then(catchUp, catchUp);
    return this.catchingUp;
  }

  /** Every version of the current book, with where it comes from. */
  async entries(): Promise<PolicyEntry[]> {
    const book = await this.current();
    return book.versions().map((policy) => ({
      policy,
      source: this.files.some((file) => file.version === policy.version) ? 'file' : 'published',
    }));
  }

  private async catchUp(): Promise<PolicyBook> {
    const before = this.published.length;
    for await (const event of this.store.readStream(POLICY_VERSIONS_STREAM, { fromRevision: this.revision + 1 })) {
      if (event.type === PUBLISHED) {
        this.published.push(
          policyOfEvent(event as unknown as PolicyVersionPublished, `${POLICY_VERSIONS_STREAM}@${event.revision}`),
        );
      }
      this.revision = event.revision;
    }
    if (this.published.length !== before) this.book = policyBookOf([...this.files, ...this.published]);
    return this.book;
  }
}

/** A fixed book, for tests and one-off commands. */
export const fixedPolicies = (book: PolicyLookup): PolicySource => ({ current: async () => book });

/**
 * The policy book as every process starts it: each file of `dir` validated, then the versions published in the log.
 * A bad file or a conflict throws {@link PolicyFileRejected}, naming it.
 */
export const openPublishedPolicies = async (dir: string, store: EventStore): Promise<PublishedPolicies> => {
  const policies = new PublishedPolicies(loadPolicyFiles(dir), store);
  await policies.current();
  return policies;
};
