import Database from 'better-sqlite3';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { type Engine, startEngine } from './support/engine';

describe('Idempotency-Key on commands', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: '2026-11-30T15:00:00.000Z' });
  });

  afterEach(() => engine.close());

  const eventCount = async (): Promise<number> => {
    let count = 0;
    for await (const _event of engine.app.get<EventStore>(EVENT_STORE).readAll()) count++;
    return count;
  };

  const register = (key: string, body: unknown) =>
    engine.call('POST', '/customers', { as: 'admin', body, headers: { 'idempotency-key': key } });

  it('answers the same key and body with the first answer, appending nothing', async () => {
    const body = { name: 'Acme Corp', licences: 25, plan: 'premium' };
    const first = await register('register-acme', body);
    expect(first.status).toBe(201);
    const events = await eventCount();
    const again = await register('register-acme', body);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await eventCount()).toBe(events);
  });

  it('refuses the same key with a different body with 422', async () => {
    await register('register-acme', { name: 'Acme Corp', licences: 25, plan: 'premium' });
    const events = await eventCount();
    const other = await register('register-acme', { name: 'Acme Corp', licences: 26, plan: 'premium' });
    expect(other.status).toBe(422);
    expect(other.json.code).toBe('idempotency-key-reused');
    expect(await eventCount()).toBe(events);
  });

  it('gives concurrent repeats one answer and one set of events', async () => {
    const body = { name: 'Acme Corp', licences: 25, plan: 'premium' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => register('burst', body)));
    expect(new Set(answers.map((a) => JSON.stringify(a.json))).size).toBe(1);
    expect(await eventCount()).toBe(1);
  });

  it('keys are per API key: another caller with the same key runs its own command', async () => {
    const { json } = await register('shared', { name: 'Acme Corp', licences: 25, plan: 'premium' });
    const opened = (as: 'agent' | 'lead') =>
      engine.call('POST', '/tickets', {
        as,
        body: { customerId: json.id, channel: 'email', subject: 'Help' },
        headers: { 'idempotency-key': 'shared' },
      });
    const byAgent = await opened('agent');
    const byLead = await opened('lead');
    expect(byAgent.status).toBe(201);
    expect(byLead.status).toBe(201);
    expect(byLead.json.id).not.toBe(byAgent.json.id);
    expect((await opened('agent')).json.id).toBe(byAgent.json.id);
  });

  it('survives a restart: the answers are kept beside the events file', async () => {
    const body = { name: 'Acme Corp', licences: 25, plan: 'premium' };
    const first = await register('durable', body);
    await engine.app.close();
    const restarted = await startEngine({
      now: '2026-11-30T16:00:00.000Z',
      env: { EVENT_STORE_URL: `sqlite:${engine.eventsFile}`, API_KEYS_FILE: `${engine.dataDir}/api-keys.json` },
    });
    try {
      const again = await restarted.call('POST', '/customers', {
        as: 'admin',
        body,
        headers: { 'idempotency-key': 'durable' },
      });
      expect(again.json).toEqual(first.json);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    } finally {
      await restarted.close();
    }
  });

  it('does not store refusals, so the same key may be retried once the cause is fixed; refuses malformed keys', async () => {
    const refused = await register('retry', { name: 'Small Co', licences: 9, plan: 'premium' });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('plan-not-eligible');
    const fixed = await register('retry', { name: 'Small Co', licences: 9, plan: 'standard' });
    expect(fixed.status).toBe(201);
    const invalidKey = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Small Co', licences: 9, plan: 'standard' },
      headers: { 'idempotency-key': 'x'.repeat(256) },
    });
    expect(invalidKey.status).toBe(400);
    expect(invalidKey.json.code).toBe('invalid-idempotency-key');
  });

  describe('after IDEMPOTENCY_TTL_MS', () => {
    let short: Engine;

    beforeEach(async () => {
      short = await startEngine({ now: '2026-11-30T15:00:00.000Z', env: { IDEMPOTENCY_TTL_MS: '60000' } });
    });

    afterEach(() => short.close());

    const open = (key: string, subject: string) =>
      short.call('POST', '/customers', {
        as: 'admin',
        body: { name: subject, licences: 25, plan: 'premium' },
        headers: { 'idempotency-key': key },
      });
    const keptAnswers = (): number => {
      const db = new Database(join(short.dataDir, 'idempotency.db'), { readonly: true });
      try {
        return (db.prepare('SELECT count(*) AS n FROM idempotent_answers').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };

    it('replays within the time to live, then answers afresh and prunes the expired answers', async () => {
      const first = await open('k-1', 'Acme');
      await open('k-2', 'Globex');
      short.clock?.advance(59_999);
      expect((await open('k-1', 'Acme')).headers.get('idempotent-replayed')).toBe('true');
      expect(keptAnswers()).toBe(2);

      short.clock?.advance(1);
      const later = await open('k-1', 'Acme');
      expect(later.status).toBe(201);
      expect(later.headers.get('idempotent-replayed')).toBeNull();
      expect(later.json.id).toBe(first.json.id);
      expect(keptAnswers()).toBe(1);
    });
  });
});
