import {
  firstPolicyVersionDocument,
  parsePolicyVersion,
  type Policy,
  PolicyBook,
  PolicyVersionConflict,
  PolicyVersionInPast,
  type PolicyVersionDocument,
} from '@app/policy';

const version = (id: string, effectiveFrom: string, change: (d: PolicyVersionDocument) => void = () => {}): Policy => {
  const d = structuredClone(firstPolicyVersionDocument) as PolicyVersionDocument;
  d.version = id;
  d.effectiveFrom = effectiveFrom;
  change(d);
  const policy = parsePolicyVersion(d);
  if (policy instanceof Error) throw policy;
  return policy;
};

const FIRST = version('2017-11-23', '2017-11-23T00:00:00.000-05:00');
const NOW = '2026-11-30T15:00:00.000Z';

const book = (...policies: Policy[]): PolicyBook => {
  const result = PolicyBook.of(policies);
  if (result instanceof Error) throw result;
  return result;
};

describe('the policy book', () => {
  it('answers which version governs an instant: the latest effective at or before it', () => {
    const next = version('2027-01-01', '2027-01-01T00:00:00.000-05:00');
    const b = book(next, FIRST);
    expect(b.inForceAt('2017-11-23T04:59:59.999Z')).toBeUndefined();
    expect(b.inForceAt('2017-11-23T05:00:00.000Z')?.version).toBe('2017-11-23');
    expect(b.inForceAt('2027-01-01T04:59:59.999Z')?.version).toBe('2017-11-23');
    expect(b.inForceAt('2027-01-01T05:00:00.000Z')?.version).toBe('2027-01-01');
    expect(b.versions().map((p) => p.version)).toEqual(['2017-11-23', '2027-01-01']);
    expect(b.byVersion('2017-11-23')).toBe(FIRST);
  });

  it('publishes a version that takes effect now or later', () => {
    const next = version('2026-12-01', '2026-12-01T05:00:00.000Z');
    const published = book(FIRST).publish(next, NOW);
    expect(published).toBeInstanceOf(PolicyBook);
    expect((published as PolicyBook).inForceAt('2026-12-02T00:00:00.000Z')?.version).toBe('2026-12-01');
    expect(book(FIRST).publish(version('now', NOW), NOW)).toBeInstanceOf(PolicyBook);
  });

  it('refuses a version whose effective instant is in the past', () => {
    const late = version('2026-11-01', '2026-11-01T04:00:00.000Z');
    expect(book(FIRST).publish(late, NOW)).toEqual(new PolicyVersionInPast('2026-11-01', late.effectiveFrom, NOW));
  });

  it('refuses a version that takes effect at the same instant as another', () => {
    const a = version('a', '2027-01-01T05:00:00.000Z');
    const b = version('b', '2027-01-01T00:00:00.000-05:00');
    expect(book(FIRST, a).publish(b, NOW)).toMatchObject({ code: 'policy-version-conflict', conflictsWith: 'a' });
  });

  it('refuses the same version id with other content, and accepts the identical one again as a no-op', () => {
    const a = version('2027-01-01', '2027-01-01T05:00:00.000Z');
    const changed = version('2027-01-01', '2027-01-01T05:00:00.000Z', (d) => (d.professionalServices.hourlyRate = 175));
    const b = book(FIRST, a);
    expect(b.publish(changed, NOW)).toBeInstanceOf(PolicyVersionConflict);
    expect(b.publish(a, NOW)).toBe(b);
  });

  it('refuses to load conflicting versions from data', () => {
    const a = version('x', '2027-01-01T05:00:00.000Z');
    const b = version('x', '2027-02-01T05:00:00.000Z');
    expect(PolicyBook.of([a, b])).toBeInstanceOf(PolicyVersionConflict);
  });
});
