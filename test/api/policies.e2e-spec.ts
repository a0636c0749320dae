import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Engine, startEngine } from './support/engine';

const FIRST_VERSION = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'policies', '2017-11-23.json'), 'utf8'),
) as Record<string, unknown> & { plans: { premium: Record<string, unknown> }; calendar: Record<string, unknown> };

/** The first version with a premium allowance of 2 business hours, effective 2027-01-01 in Toronto. */
const NEXT_VERSION = {
  ...FIRST_VERSION,
  version: '2027-01-01',
  effectiveFrom: '2027-01-01T00:00:00.000-05:00',
  plans: {
    ...FIRST_VERSION.plans,
    premium: { ...FIRST_VERSION.plans.premium, firstResponseAllowance: { businessHours: 2 } },
  },
};

describe('policy versions over HTTP (POLICY §6)', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: '2026-12-30T15:00:00.000Z' });
  });

  afterEach(() => engine.close());

  it('lists the version shipped as a file and shows the one in force at an instant', async () => {
    const listed = await engine.call('GET', '/policies', { as: 'auditor' });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      {
        version: '2017-11-23',
        effectiveFrom: '2017-11-23T05:00:00.000Z',
        calendarId: 'quebec-support-hours',
        timeZone: 'America/Toronto',
        source: 'file',
      },
    ]);
    const inForce = await engine.call('GET', '/policies/in-force?at=2020-01-01T00:00:00Z', { as: 'agent' });
    expect(inForce.json).toMatchObject({ version: '2017-11-23', document: FIRST_VERSION });
    const before = await engine.call('GET', '/policies/in-force?at=2010-01-01T00:00:00Z', { as: 'agent' });
    expect(before.status).toBe(404);
    expect(before.json.code).toBe('policy-version-unknown');
    const badInstant = await engine.call('GET', '/policies/in-force?at=soon', { as: 'agent' });
    expect(badInstant.status).toBe(400);
  });

  it('publishes a dated version that governs tickets received from then on, and keeps it across a restart', async () => {
    const published = await engine.call('POST', '/policies', { as: 'admin', body: NEXT_VERSION });
    expect(published.status).toBe(201);
    expect(published.json).toMatchObject({
      version: '2027-01-01',
      effectiveFrom: '2027-01-01T05:00:00.000Z',
      source: 'published',
    });
    const { json: customer } = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 25, plan: 'premium' },
    });
    const open = (receivedAt: string) =>
      engine.call('POST', '/tickets', {
        as: 'agent',
        body: { customerId: customer.id, channel: 'email', subject: 'Help', receivedAt },
      });
    const before = await open('2026-12-30T10:00:00-05:00');
    expect(before.json).toMatchObject({ policyVersion: '2017-11-23', allowanceMinutes: 240 });

    engine.clock?.set('2027-01-04T15:00:00.000Z');
    const after = await open('2027-01-04T10:00:00-05:00');
    expect(after.json).toMatchObject({ policyVersion: '2027-01-01', allowanceMinutes: 120 });
    const unchanged = await engine.call('GET', `/tickets/${String(before.json.id)}`, { as: 'agent' });
    expect(unchanged.json).toMatchObject({ policyVersion: '2017-11-23', allowanceMinutes: 240 });

    const byLead = await engine.call('POST', `/tickets/${String(before.json.id)}/replan`, { as: 'lead', body: {} });
    expect(byLead.status).toBe(403);
    const replanned = await engine.call('POST', `/tickets/${String(before.json.id)}/replan`, { as: 'admin', body: {} });
    expect(replanned.status).toBe(200);
    expect(replanned.json).toMatchObject({ policyVersion: '2027-01-01', allowanceMinutes: 120 });

    await engine.app.close();
    const restarted = await startEngine({
      now: '2027-01-04T15:00:00.000Z',
      env: { EVENT_STORE_URL: `sqlite:${engine.eventsFile}` },
    });
    try {
      const listed = await restarted.call('GET', '/policies', { as: 'auditor' });
      expect((listed.body as { version: string; source: string }[]).map((p) => [p.version, p.source])).toEqual([
        ['2017-11-23', 'file'],
        ['2027-01-01', 'published'],
      ]);
      const shown = await restarted.call('GET', '/policies/2027-01-01', { as: 'auditor' });
      expect(shown.json.document).toEqual(NEXT_VERSION);
    } finally {
      await restarted.close();
    }
  });

  it('refuses an invalid version with 400 listing every problem', async () => {
    const invalid = await engine.call('POST', '/policies', {
      as: 'admin',
      body: { ...NEXT_VERSION, calendar: { ...NEXT_VERSION.calendar, timeZone: 'Mars/Olympus' }, extra: 1 },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.code).toBe('invalid-policy-version');
    expect((invalid.json.problems as { path: string }[]).map((p) => p.path).sort()).toEqual(['', 'calendar.timeZone']);
  });

  it('refuses a version effective in the past with 422 and a conflicting one with 409', async () => {
    const past = await engine.call('POST', '/policies', {
      as: 'admin',
      body: { ...NEXT_VERSION, effectiveFrom: '2026-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
    expect(past.json.code).toBe('policy-version-in-past');
    expect((await engine.call('POST', '/policies', { as: 'admin', body: NEXT_VERSION })).status).toBe(201);
    const conflicting = await engine.call('POST', '/policies', {
      as: 'admin',
      body: { ...NEXT_VERSION, outOfScopeCategories: ['hardware'] },
    });
    expect(conflicting.status).toBe(409);
    expect(conflicting.json.code).toBe('policy-version-conflict');
    const unknown = await engine.call('GET', '/policies/1999-01-01', { as: 'agent' });
    expect(unknown.status).toBe(404);
  });

  it('lets only an admin publish', async () => {
    const byLead = await engine.call('POST', '/policies', { as: 'lead', body: NEXT_VERSION });
    expect(byLead.status).toBe(403);
  });
});
