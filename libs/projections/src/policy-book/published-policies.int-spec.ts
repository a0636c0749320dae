import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { POLICY_VERSIONS_STREAM, type PolicyVersionPublished, UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore } from '@app/event-store';
import { firstPolicyVersionDocument, type PolicyVersionDocument } from '@app/policy';
import { loadPolicyBook, loadPolicyFiles, PolicyFileRejected, PublishedPolicies } from './published-policies';

const SHIPPED = join(__dirname, '..', '..', '..', '..', 'policies');

const aVersion = (version: string, effectiveFrom: string): PolicyVersionDocument =>
  ({ ...(firstPolicyVersionDocument as PolicyVersionDocument), version, effectiveFrom }) as PolicyVersionDocument;

const publish = async (store: EventStore, document: PolicyVersionDocument): Promise<void> => {
  const event: PolicyVersionPublished = {
    type: 'PolicyVersionPublished',
    data: {
      version: document.version,
      effectiveFrom: document.effectiveFrom,
      document,
      publishedBy: 'admin',
      publishedAt: '2026-11-30T15:00:00.000Z',
    },
  };
  await store.append(
    POLICY_VERSIONS_STREAM,
    [
      {
        id: randomUUID(),
        ...event,
        metadata: {
          correlationId: randomUUID(),
          causationId: null,
          actor: { id: 'admin', role: 'admin' },
          recordedAt: '2026-11-30T15:00:00.000Z',
        },
      },
    ],
    { expectedRevision: 'any' },
  );
};

const refusalOf = (load: () => unknown): unknown => {
  try {
    load();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('loadPolicyBook', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policies-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every JSON policy version of the folder, the shipped one included', () => {
    const book = loadPolicyBook(SHIPPED);
    expect(book.byVersion('2017-11-23')?.calendar.timeZone).toBe('America/Toronto');

    writeFileSync(join(dir, 'test.json'), JSON.stringify(aVersion('test', '2020-01-01T00:00:00.000Z')));
    writeFileSync(join(dir, 'notes.txt'), 'not a policy');
    expect(
      loadPolicyBook(dir)
        .versions()
        .map((policy) => policy.version),
    ).toEqual(['test']);
  });

  it('refuses an invalid policy file, naming it', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ version: 'broken' }));
    const refusal = refusalOf(() => loadPolicyBook(dir));
    expect(refusal).toBeInstanceOf(PolicyFileRejected);
    expect(refusal).toMatchObject({ file });
  });

  it('refuses a file that is not JSON and a folder that cannot be read, naming them', () => {
    const file = join(dir, 'truncated.json');
    writeFileSync(file, '{ "version": ');
    expect(refusalOf(() => loadPolicyFiles(dir))).toMatchObject({ code: 'policy-file-rejected', file });
    const missing = join(dir, 'missing');
    expect(refusalOf(() => loadPolicyFiles(missing))).toMatchObject({ code: 'policy-file-rejected', file: missing });
  });
});

describe('PublishedPolicies', () => {
  let store: EventStore;

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
  });

  afterEach(() => store.close());

  it('adds the versions published in the log as they appear, and tells them from the files', async () => {
    const policies = new PublishedPolicies(loadPolicyFiles(SHIPPED), store);
    expect((await policies.current()).byVersion('later')).toBeUndefined();

    await publish(store, aVersion('later', '2030-01-01T00:00:00.000Z'));

    const book = await policies.current();
    expect(book.byVersion('later')?.effectiveFrom).toBe('2030-01-01T00:00:00.000Z');
    expect(book.byVersion('2017-11-23')).toBeDefined();
    expect((await policies.entries()).map(({ policy, source }) => [policy.version, source])).toEqual([
      ['2017-11-23', 'file'],
      ['later', 'published'],
    ]);
    expect(policies.filePolicies.map((policy) => policy.version)).toEqual(['2017-11-23']);
  });

  it('lets concurrent callers catch up one after the other', async () => {
    let reading = 0;
    let mostAtOnce = 0;
    const counting = Object.create(store) as EventStore;
    counting.readStream = async function* (stream, options) {
      reading += 1;
      mostAtOnce = Math.max(mostAtOnce, reading);
      try {
        yield* store.readStream(stream, options);
      } finally {
        reading -= 1;
      }
    };
    const policies = new PublishedPolicies(loadPolicyFiles(SHIPPED), counting);
    await publish(store, aVersion('later', '2030-01-01T00:00:00.000Z'));
    const [, , entries] = await Promise.all([policies.current(), policies.current(), policies.entries()]);
    expect(entries.map(({ policy }) => policy.version)).toEqual(['2017-11-23', 'later']);
    expect(mostAtOnce).toBe(1);
  });
});
