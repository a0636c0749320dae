import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { InvalidPolicyVersion, parsePolicyVersion, type Policy, PolicyBook } from '@app/policy';
import { POLICY_VERSIONS_STREAM, type PolicyVersionPublished } from './policy-version-published.event';

export interface PolicyEntry {
  readonly policy: Policy;
  readonly source: 'file' | 'published';
}

const readPolicyFile = (file: string): Policy => {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`policy file ${file} is not valid JSON: ${String(error)}`);
  }
  const parsed = parsePolicyVersion(content);
  if (parsed instanceof InvalidPolicyVersion) throw new Error(`policy file ${file}: ${parsed.message}`);
  return parsed;
};

/** A published version as stored; the document was validated before it was appended. */
export const policyOfEvent = (event: PolicyVersionPublished): Policy => {
  const parsed = parsePolicyVersion(event.data.document);
  if (parsed instanceof InvalidPolicyVersion)
    throw new Error(`stored policy version ${event.data.version}: ${parsed.message}`);
  return parsed;
};

/** Builds the book from the shipped files and the published versions; a conflict between them stops the engine. */
export const bookOf = (files: readonly Policy[], published: readonly Policy[]): PolicyBook => {
  const book = PolicyBook.of([...files, ...published]);
  if (book instanceof Error) throw new Error(`the policy versions conflict: ${book.message}`);
  return book;
};

/**
 * The policy book: the versions in `POLICIES_DIR`, loaded at start, plus those published through the API, read from
 * the log, so that every process sees a version as soon as it is appended and after a restart.
 */
@Injectable()
export class PolicyBookService implements OnModuleInit {
  private files: Policy[] = [];
  private published: Policy[] = [];
  private revision = -1;
  private book = PolicyBook.empty();
  private catchingUp: Promise<PolicyBook> = Promise.resolve(this.book);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onModuleInit(): Promise<void> {
    const dir = this.config.POLICIES_DIR;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      throw new Error(`POLICIES_DIR ${dir} cannot be read: ${String(error)}`);
    }
    this.files = names
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => readPolicyFile(join(dir, name)));
    this.book = bookOf(this.files, []);
    await this.current();
  }

  get filePolicies(): readonly Policy[] {
    return this.files;
  }

  /** The book with every version appended so far. */
  current(): Promise<PolicyBook> {
    const catchUp = (): Promise<PolicyBook> => this.catchUp();
    this.catchingUp = this.catchingUp.then(catchUp, catchUp);
    return this.catchingUp;
  }

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
      this.published.push(policyOfEvent(event as unknown as PolicyVersionPublished));
      this.revision = event.revision;
    }
    if (this.published.length !== before) this.book = bookOf(this.files, this.published);
    return this.book;
  }
}
