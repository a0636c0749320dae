import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('lets an admin create a key that works at once and is stored only as a hash', async () => {
    const { call, url, dataDir } = await started();
    const created = await call('POST', '/api-keys', { as: 'admin', body: { name: 'carol', role: 'admin' } });
    expect(created.status).toBe(201);
    const key = String(created.json.key);
    expect(key).toMatch(/^sla_[\w-]{43}$/);
    const stored = readFileSync(join(dataDir, 'api-keys.json'), 'utf8');
    expect(stored).not.toContain(key);
    expect(JSON.parse(stored)).toEqual({
      keys: [
        {
          name: 'carol',
          role: 'admin',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          createdAt: expect.any(String),
        },
      ],
    });
    const listed = await fetch(`${url}/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { name: string }[]).map((k) => k.name)).toContain('carol');
    const again = await call('POST', '/api-keys', { as: 'admin', body: { name: 'carol', role: 'agent' } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('api-key-name-taken');
  });

  it('accepts a key that another process added to the key file, without a restart', async () => {
    const first = await started();
    const second = await startEngine({ env: { API_KEYS_FILE: join(first.dataDir, 'api-keys.json') } });
    try {
      const created = await second.call('POST', '/api-keys', { as: 'admin', body: { name: 'erin', role: 'auditor' } });
      const answer = await fetch(`${first.url}/api-keys`, {
        headers: { authorization: `Bearer ${String(created.json.key)}` },
      });
      expect(answer.status).toBe(403);
      expect(((await answer.json()) as { role: string }).role).toBe('auditor');
    } finally {
      await second.close();
    }
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
