import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyBook, PolicyFileRejected } from './policy-files';
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
});
