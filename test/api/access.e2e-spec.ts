import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { ENDPOINTS } from './support/endpoints';
import { KEYS, type Engine, startEngine } from './support/engine';

const PROBLEM = /^application\/problem\+json/;

describe('access to the API: keys, roles, rate limits and problem details', () => {
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  const started = async (env: Record<string, string> = {}): Promise<Engine> => {
    engine = await startEngine({ env });
    return engine;
  };

  it('refuses a request without a key with 401, a problem document and a Bearer challenge', async () => {
    const { call } = await started();
    const answer = await call('GET', '/api-keys');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(PROBLEM);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.json).toMatchObject({ status: 401, code: 'missing-api-key', title: 'Unauthorized' });
    expect(answer.json.detail).toMatch(/^[A-Z].*\.$/);
  });

  it('refuses an unknown key with 401', async () => {
    const { call } = await started();
    const answer = await call('GET', '/api-keys', { headers: { authorization: 'Bearer not-a-key-of-ours-at-all' } });
    expect(answer.status).toBe(401);
    expect(answer.json.code).toBe('invalid-api-key');
  });

  it('refuses a role that may not call the endpoint with 403 naming the allowed roles', async () => {
    const { call } = await started();
    const answer = await call('GET', '/api-keys', { as: 'agent' });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(PROBLEM);
    expect(answer.json).toMatchObject({ code: 'role-not-allowed', role: 'agent', allowedRoles: ['admin'] });
  });

  it('lets an admin create a key that works at once, recorded as an event holding only its hash', async () => {
    const { call, url, eventsFile } = await started();
    const created = await call('POST', '/api-keys', { as: 'admin', body: { name: 'carol', role: 'admin' } });
    expect(created.status).toBe(201);
    const key = String(created.json.key);
    expect(key).toMatch(/^sla_[\w-]{43}$/);
    expect(created.json).toMatchObject({ id: expect.any(String), name: 'carol', role: 'admin', source: 'issued' });
    const log = new Database(eventsFile, { readonly: true });
    const stored = log.prepare("SELECT type, data FROM events WHERE stream = 'apikeys-registry'").all() as {
      type: string;
      data: string;
    }[];
    log.close();
    expect(stored.map(({ type }) => type)).toEqual(['ApiKeyIssued']);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(JSON.parse(stored[0]?.data ?? '{}')).toMatchObject({
      name: 'carol',
      role: 'admin',
      sha256: createHash('sha256').update(key).digest('hex'),
    });
    const listed = await fetch(`${url}/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).not.toMatch(/sla_|sha256/);
    const again = await call('POST', '/api-keys', { as: 'admin', body: { name: 'carol', role: 'agent' } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('api-key-name-taken');
  });

  it('revokes a key, refused at once; rotates one, the old secret valid for the stated grace period only', async () => {
    const { call, url } = await started();
    const asKey = (key: unknown) => ({ headers: { authorization: `Bearer ${String(key)}` } });
    const alice = await call('POST', '/api-keys', { as: 'admin', body: { name: 'alice', role: 'agent' } });
    const rotated = await call('POST', `/api-keys/${String(alice.json.id)}/rotate`, {
      as: 'admin',
      body: { graceMinutes: 0 },
    });
    expect(rotated.status).toBe(201);
    expect(rotated.json).toMatchObject({ id: alice.json.id, name: 'alice', previousKeyValidUntil: expect.any(String) });
    expect((await fetch(`${url}/policies`, asKey(rotated.json.key))).status).toBe(200);
    expect((await fetch(`${url}/policies`, asKey(alice.json.key))).status).toBe(401);

    const withGrace = await call('POST', `/api-keys/${String(alice.json.id)}/rotate`, { as: 'admin', body: {} });
    expect(
      Date.parse(String(withGrace.json.previousKeyValidUntil)) - Date.parse(String(withGrace.json.createdAt)),
    ).toBeGreaterThan(59 * 60_000);
    expect((await fetch(`${url}/policies`, asKey(rotated.json.key))).status).toBe(200);

    const revoked = await call('POST', `/api-keys/${String(alice.json.id)}/revoke`, { as: 'admin', body: {} });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    for (const key of [rotated.json.key, withGrace.json.key]) {
      expect((await fetch(`${url}/policies`, asKey(key))).status).toBe(401);
    }
    const unknown = await call('POST', '/api-keys/6f1b3c52-9d0e-4a8e-9a57-3f3f5cde2b11/revoke', {
      as: 'admin',
      body: {},
    });
    expect([unknown.status, unknown.json.code]).toEqual([404, 'api-key-not-found']);
  });

  it('refuses unknown fields, wrong types, malformed JSON and other media types with 4xx problems', async () => {
    const { call } = await started();
    const extra = await call('POST', '/api-keys', { as: 'admin', body: { name: 'dan', role: 'agent', isRoot: true } });
    expect(extra.status).toBe(400);
    expect(extra.json).toMatchObject({
      code: 'invalid-request',
      errors: [expect.objectContaining({ path: '(body)' })],
    });
    const wrongType = await call('POST', '/api-keys', { as: 'admin', body: { name: 7, role: 'wizard' } });
    expect(wrongType.status).toBe(400);
    expect((wrongType.json.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['name', 'role']);
    const malformed = await call('POST', '/api-keys', { as: 'admin', body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(PROBLEM);
    const text = await call('POST', '/api-keys', {
      as: 'admin',
      body: 'name=dan',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.json.code).toBe('unsupported-media-type');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const { call } = await started();
    const answer = await call('GET', '/no-such-thing', { as: 'admin' });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(PROBLEM);
    expect(answer.json.code).toBe('not-found');
  });

  it('limits each key separately and says when to retry', async () => {
    const { call } = await started({ RATE_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++) expect((await call('GET', '/api-keys', { as: 'admin' })).status).toBe(200);
    const limited = await call('GET', '/api-keys', { as: 'admin' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(PROBLEM);
    expect(limited.json.code).toBe('rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await call('GET', '/api-keys', { as: 'agent' })).status).toBe(403);
  });

  it('serves the OpenAPI document at /docs with the bearer scheme', async () => {
    const { url } = await started();
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
    const document = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(Object.keys(document.paths)).toContain('/api-keys');
    expect(document.components.securitySchemes).toHaveProperty('bearer');
    expect(document.components.schemas).toHaveProperty('Problem');
  });

  it('documents an example for every command-side operation: its request body when it takes one, and its answer', async () => {
    const { url } = await started();
    type Operation = {
      requestBody?: { content: Record<string, { examples?: object }> };
      responses: Record<string, { content?: Record<string, { schema?: { example?: unknown } }> }>;
    };
    const document = (await (await fetch(`${url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const missing = Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => {
        if (!ENDPOINTS.some((e) => e.route === route && e.method === method.toUpperCase())) return [];
        const hasBodyExample =
          method === 'get' ||
          Object.keys(operation.requestBody?.content['application/json']?.examples ?? {}).length > 0;
        const hasAnswerExample = Object.entries(operation.responses).some(
          ([status, answer]) =>
            status.startsWith('2') && answer.content?.['application/json']?.schema?.example !== undefined,
        );
        return hasBodyExample && hasAnswerExample ? [] : [`${method.toUpperCase()} ${route}`];
      }),
    );
    expect(missing).toEqual([]);
  });

  it('never accepts a listed key for another role', async () => {
    const { call } = await started();
    expect((await call('GET', '/api-keys', { headers: { authorization: `Bearer ${KEYS.lead}` } })).status).toBe(403);
  });
});
