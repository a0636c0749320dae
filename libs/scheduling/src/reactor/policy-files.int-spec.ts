import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { InMemoryEventStore } from '@app/event-store';
import {
  loadPolicyBook,
  loadPolicyFiles,
  PolicyFileRejected,
  POLICY_VERSIONS_STREAM,
  PublishedPolicies,
} from './policy-files';
import { roundTheClockPolicyDocument } from './reactor.fixtures';

describe('loadPolicyBook', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policies-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every JSON policy version of the folder, the shipped one included', () => {
    const book = loadPolicyBook(join(__dirname, '..', '..', '..', '..', 'policies'));
    expect(book.byVersion('2017-11-23')?.calendar.timeZone).toBe('America/Toronto');

    writeFileSync(join(dir, 'test.json'), JSON.stringify(roundTheClockPolicyDocument({ allowanceMinutes: 0.05 })));
    writeFileSync(join(dir, 'notes.txt'), 'not a policy');
    expect(
      loadPolicyBook(dir)
        .versions()
        .map((policy) => policy.version),
    ).toEqual(['round-the-clock']);
  });

  it('refuses an invalid policy file, naming it', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ version: 'broken' }));
    const refusal = (() => {
      try {
        loadPolicyBook(dir);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(PolicyFileRejected);
    expect(refusal).toMatchObject({ file });
  });

  it('adds the versions published in the log as they appear', async () => {
    const store = new InMemoryEventStore();
    const policies = new PublishedPolicies(loadPolicyFiles(join(__dirname, '..', '..', '..', '..', 'policies')), store);
    expect((await policies.current()).byVersion('later')).toBeUndefined();

    const document = roundTheClockPolicyDocument({
      allowanceMinutes: 5,
      version: 'later',
      effectiveFrom: '2030-01-01T00:00:00.000Z',
    });
    await store.append(
      POLICY_VERSIONS_STREAM,
      [
        {
          id: randomUUID(),
          type: 'PolicyVersionPublished',
          data: {
            version: 'later',
            effectiveFrom: '2030-01-01T00:00:00.000Z',
            document,
            publishedBy: 'admin',
            publishedAt: '2026-11-30T15:00:00.000Z',
          },
          metadata: {
            correlationId: randomUUID(),
            causationId: null,
            actor: { id: 'admin', role: 'admin' },
            recordedAt: '2026-11-30T15:00:00.000Z',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );

    const book = await policies.current();
    expect(book.byVersion('later')?.calendar.id).toBe('round-the-clock');
    expect(book.byVersion('2017-11-23')).toBeDefined();
    await store.close();
  });
});
