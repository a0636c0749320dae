import { ENDPOINTS, createFixture, type Endpoint } from './support/endpoints';
import { type Engine, ROLES, type Role, startEngine } from './support/engine';

type Caller = Role | 'no key' | 'bad key';
const CALLERS: readonly Caller[] = [...ROLES, 'no key', 'bad key'];

const expectation = (endpoint: Endpoint, caller: Caller): { status: number | '2xx'; code?: string } => {
  if (caller === 'no key') return { status: 401, code: 'missing-api-key' };
  if (caller === 'bad key') return { status: 401, code: 'invalid-api-key' };
  if (!endpoint.roles.includes(caller)) return { status: 403, code: 'role-not-allowed' };
  if (endpoint.policyRoles && !endpoint.policyRoles.includes(caller)) return { status: 403, code: 'not-allowed' };
  return { status: '2xx' };
};

const CASES = ENDPOINTS.flatMap((endpoint) =>
  CALLERS.map(
    (caller) => [`${endpoint.method} ${endpoint.route}`, caller, endpoint, expectation(endpoint, caller)] as const,
  ),
);

describe('the authorisation matrix: every endpoint × every role × no key and a bad key', () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({ now: '2026-11-30T15:00:00.000Z', env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  });

  afterAll(() => engine.close());

  it(`covers ${ENDPOINTS.length} endpoints × ${CALLERS.length} callers, each endpoint as documented in /docs`, async () => {
    const document = (await (await fetch(`${engine.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([route, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
      ),
    );
    for (const endpoint of ENDPOINTS) expect(documented).toContain(`${endpoint.method} ${endpoint.route}`);
    expect(CASES.length).toBe(ENDPOINTS.length * 7);
  });

  it.each(CASES)('%s as %s', async (_name, caller, endpoint, expected) => {
    const fixture = await createFixture(engine, endpoint.needsOutOfScope);
    const headers: Record<string, string> =
      caller === 'bad key' ? { authorization: 'Bearer sla_this-key-was-never-issued-to-anyone' } : {};
    const answer = await engine.call(endpoint.method, endpoint.path(fixture), {
      ...(caller === 'no key' || caller === 'bad key' ? {} : { as: caller }),
      headers,
      ...(endpoint.body ? { body: endpoint.body(fixture) } : {}),
    });
    if (expected.status === '2xx') {
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(300);
    } else {
      expect(answer.status).toBe(expected.status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.json.code).toBe(expected.code);
    }
  });

  it('refuses every documented bearer endpoint, including those added later, without a key or with a bad one', async () => {
    const document = (await (await fetch(`${engine.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const fixture = await createFixture(engine);
    const secured = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.security?.length)
        .map(([method]) => ({
          method: method.toUpperCase(),
          path: route.replace(/\{(\w+)\}/g, (_m, name: string) =>
            name === 'version' ? '2017-11-23' : route.startsWith('/customers') ? fixture.customerId : fixture.ticketId,
          ),
        })),
    );
    expect(secured.length).toBeGreaterThanOrEqual(ENDPOINTS.length);
    for (const { method, path } of secured) {
      const none = await engine.call(method, path);
      const bad = await engine.call(method, path, { headers: { authorization: 'Bearer nope-nope-nope-nope' } });
      expect([method, path, none.status, bad.status]).toEqual([method, path, 401, 401]);
    }
  });
});
