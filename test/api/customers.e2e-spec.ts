import { EVENT_STORE, type EventStore } from '@app/event-store';
import { type Engine, startEngine } from './support/engine';

const MONDAY_10H_TORONTO = '2026-11-30T15:00:00.000Z';

describe('customers over HTTP (POLICY §1 and §4)', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: MONDAY_10H_TORONTO });
  });

  afterEach(() => engine.close());

  const register = (body: unknown) => engine.call('POST', '/customers', { as: 'admin', body });

  it('registers a customer: 201 with its id, plan and licences, readable by every role', async () => {
    const created = await register({ name: 'Acme Corp', licences: 25, plan: 'premium' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), plan: 'premium', licences: 25 });
    const shown = await engine.call('GET', `/customers/${String(created.json.id)}`, { as: 'auditor' });
    expect(shown.status).toBe(200);
    expect(shown.json).toEqual({
      id: created.json.id,
      name: 'Acme Corp',
      licences: 25,
      plan: 'premium',
      isPlanEligible: true,
      flag: null,
      isTrainingRequired: false,
      externalRefs: {},
    });
  });

  it('refuses priority and premium below 10 licences with 422 plan-not-eligible (9 refused, 10 accepted)', async () => {
    const refused = await register({ name: 'Small Co', licences: 9, plan: 'priority' });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.json).toMatchObject({ code: 'plan-not-eligible', plan: 'priority', licences: 9, required: 10 });
    expect((await register({ name: 'Small Co', licences: 10, plan: 'priority' })).status).toBe(201);
  });

  it('records lost eligibility without downgrading, and assigning an ineligible plan is refused', async () => {
    const { json } = await register({ name: 'Acme Corp', licences: 12, plan: 'premium' });
    const id = String(json.id);
    const reduced = await engine.call('POST', `/customers/${id}/licences`, { as: 'admin', body: { licences: 8 } });
    expect(reduced.status).toBe(200);
    expect(reduced.json).toMatchObject({ licences: 8, plan: 'premium', isPlanEligible: false });
    const assigned = await engine.call('POST', `/customers/${id}/plan`, { as: 'admin', body: { plan: 'priority' } });
    expect(assigned.status).toBe(422);
    expect(assigned.json.code).toBe('plan-not-eligible');
    const standard = await engine.call('POST', `/customers/${id}/plan`, { as: 'admin', body: { plan: 'standard' } });
    expect(standard.json).toMatchObject({ plan: 'standard', isPlanEligible: true });
  });

  it('flags, requires training, records it and clears the flag', async () => {
    const { json } = await register({ name: 'Acme Corp', licences: 12, plan: 'premium' });
    const id = String(json.id);
    const flagged = await engine.call('POST', `/customers/${id}/flag`, {
      as: 'agent',
      body: { reason: 'Twelve tickets this week on documented topics' },
    });
    expect(flagged.json.flag).toEqual({
      reason: 'Twelve tickets this week on documented topics',
      flaggedBy: 'agent1',
      flaggedAt: MONDAY_10H_TORONTO,
    });
    const training = await engine.call('POST', `/customers/${id}/training/required`, { as: 'lead', body: {} });
    expect(training.json.isTrainingRequired).toBe(true);
    const completed = await engine.call('POST', `/customers/${id}/training/completed`, { as: 'agent' });
    expect(completed.json.isTrainingRequired).toBe(false);
    const cleared = await engine.call('POST', `/customers/${id}/flag/clear`, { as: 'agent', body: {} });
    expect(cleared.status).toBe(200);
    expect(cleared.json.flag).toBeNull();
  });

  it('answers 404 for an unknown or malformed customer id', async () => {
    const unknown = await engine.call('GET', '/customers/6b0d2a4e-1c3f-4a5b-9c7d-8e9f0a1b2c3d', { as: 'agent' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('customer-not-found');
    const malformed = await engine.call('POST', '/customers/not-an-id/flag', { as: 'agent', body: { reason: 'x' } });
    expect(malformed.status).toBe(404);
    const missing = await engine.call('POST', '/customers/6b0d2a4e-1c3f-4a5b-9c7d-8e9f0a1b2c3d/flag', {
      as: 'agent',
      body: { reason: 'x' },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('customer-not-found');
  });

  it('records the actor, key id and role, in the metadata of every event', async () => {
    const { json } = await register({ name: 'Acme Corp', licences: 12, plan: 'premium' });
    await engine.call('POST', `/customers/${String(json.id)}/flag`, { as: 'lead', body: { reason: 'Too many' } });
    const store = engine.app.get<EventStore>(EVENT_STORE);
    const actors = [];
    for await (const event of store.readStream(`customer-${String(json.id)}`)) actors.push(event.metadata.actor);
    expect(actors).toEqual([
      { id: 'admin1', role: 'admin' },
      { id: 'lead1', role: 'lead' },
    ]);
  });
});
