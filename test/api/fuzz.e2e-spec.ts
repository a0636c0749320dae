import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ENDPOINTS, createFixture, type Endpoint, type Fixture } from './support/endpoints';
import { type Engine, KEYS, ROLES, startEngine } from './support/engine';

const RUNS_PER_ENDPOINT = 90;

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const huge = (size: number): string => 'x'.repeat(size);

const garbageId = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('..', '%00', 'null', '-1', '../../etc/passwd', 'ticket-1', ' ', '🙂', huge(5_000)),
);

const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 40_000 }), fc.boolean())
  .map(([depth, isArray]) =>
    isArray ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

const wrongValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, true, -1, 0, 1e308, -0.5, 'yesterday', '2026-13-45T99:99:99Z', '', ' ', huge(3_000)),
  fc.constantFrom('wizard', 'fax', 'platinum', 'sms', 'data_migration', 'PREMIUM'),
  fc.constant(huge(120_000)),
);

/** A valid body with one thing wrong: a field of the wrong type or value, a missing field, an unknown field. */
const mutatedBody = (valid: unknown): fc.Arbitrary<unknown> => {
  const base =
    typeof valid === 'object' && valid !== null && !Array.isArray(valid) ? (valid as Record<string, unknown>) : {};
  const fields = Object.keys(base);
  const options: fc.Arbitrary<unknown>[] = [
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 20 }), wrongValue)
      .map(([name, value]) => ({ ...base, [`${name}_x`]: value })),
    fc.constant({}),
    fc.constant([base]),
  ];
  if (fields.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...fields), wrongValue).map(([name, value]) => ({ ...base, [name]: value })),
      fc.constantFrom(...fields).map((name) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== name))),
    );
  }
  return fc.oneof(...options);
};

const bodyFor = (valid: unknown): fc.Arbitrary<{ body?: string; contentType?: string }> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant({ body: JSON.stringify(valid ?? {}), contentType: 'application/json' }) },
    {
      weight: 5,
      arbitrary: mutatedBody(valid).map((b) => ({ body: JSON.stringify(b), contentType: 'application/json' })),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((b) => ({ body: JSON.stringify(b), contentType: 'application/json' })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.string(), fc.constantFrom('{', '{"name":', '[1,2', '{"a":1,}', "{'a':1}", 'NaN', '\u0000'))
        .map((b) => ({ body: b, contentType: 'application/json' })),
    },
    { weight: 1, arbitrary: deepJson.map((b) => ({ body: b, contentType: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'multipart/form-data; boundary=x',
        )
        .map((contentType) => ({ body: JSON.stringify(valid ?? {}), contentType })),
    },
    { weight: 1, arbitrary: fc.constant({}) },
  );

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${KEYS.admin}`) },
  { weight: 2, arbitrary: fc.constantFrom(...ROLES).map((role) => `Bearer ${KEYS[role]}`) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        'Basic YWRtaW46YWRtaW4=',
        `bearer ${KEYS.admin}`,
        `Bearer ${KEYS.admin} extra`,
      ),
      fc.string({ maxLength: 50 }).map((s) => `Bearer ${s}`),
    ),
  },
);

const requestFor = (endpoint: Endpoint, fixture: Fixture): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      ids: fc.oneof(
        { weight: 3, arbitrary: fc.constant(fixture) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(garbageId, garbageId, garbageId)
            .map(([customerId, ticketId, keyId]) => ({ customerId, ticketId, keyId })),
        },
      ),
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(endpoint.method) },
        { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET', 'POST') },
      ),
      authorization,
      idempotencyKey: fc.option(fc.oneof(fc.constant('fuzz-key'), fc.string({ maxLength: 300 })), { nil: undefined }),
      payload: bodyFor(endpoint.body?.(fixture)),
      query: fc.option(
        fc.oneof(
          fc.constant('at=2026-11-30T15:00:00Z'),
          fc.string({ maxLength: 30 }).map((s) => `at=${encodeURIComponent(s)}`),
        ),
        {
          nil: undefined,
        },
      ),
    })
    .map(({ ids, method, authorization: auth, idempotencyKey, payload, query }) => {
      const safeIds = {
        customerId: encodeURIComponent(ids.customerId),
        ticketId: encodeURIComponent(ids.ticketId),
        keyId: encodeURIComponent(ids.keyId),
      };
      const headers: Record<string, string> = { authorization: auth };
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey.replace(/[^\x20-\x7e]/g, '?');
      if (payload.contentType) headers['content-type'] = payload.contentType;
      const hasBody = method !== 'GET' && payload.body !== undefined;
      return {
        method,
        path: `${endpoint.path(safeIds)}${query ? `?${query}` : ''}`,
        headers,
        ...(hasBody ? { body: payload.body } : {}),
      };
    });

describe('fuzzing every endpoint with random and malformed requests', () => {
  let engine: Engine;
  let events: Database.Database;

  beforeAll(async () => {
    engine = await startEngine({ now: '2026-11-30T15:00:00.000Z', env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    events = new Database(engine.eventsFile, { readonly: true });
  });

  afterAll(async () => {
    events.close();
    await engine.close();
  });

  /**
   * Every row of the events table that a request could have caused, as one digest. The engine's own timers append on
   * their own schedule (actor role `system`), and its reactors in reaction to earlier events (their causation id is
   * the id of a stored event), whatever the requests, so their rows are left out.
   */
  const eventsDigest = (): string => {
    const hash = createHash('sha256');
    const rows = events.prepare(
      `SELECT * FROM events e WHERE json_extract(metadata, '$.actor.role') IS NOT 'system'
         AND NOT EXISTS (SELECT 1 FROM events cause WHERE cause.id = json_extract(e.metadata, '$.causationId'))
       ORDER BY position`,
    );
    for (const row of rows.raw().iterate()) {
      hash.update(JSON.stringify(row));
    }
    return hash.digest('hex');
  };

  it(`sends at least 2 000 requests: none answers 5xx, and refused ones leave the events table byte for byte unchanged`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const endpoint of ENDPOINTS) {
      const fixture = await createFixture(engine, endpoint.needsOutOfScope);
      let digest = eventsDigest();
      await fc.assert(
        fc.asyncProperty(requestFor(endpoint, fixture), async (request) => {
          const response = await fetch(`${engine.url}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: request.body }),
          });
          const text = await response.text();
          sent++;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect({ status: response.status < 500, request: request.path, text: text.slice(0, 300) }).toEqual({
            status: true,
            request: request.path,
            text: text.slice(0, 300),
          });
          const after = eventsDigest();
          if (response.status >= 400) {
            expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(after).toBe(digest);
          }
          digest = after;
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    }
    expect(sent).toBeGreaterThanOrEqual(2_000);
    const refused = [...statuses].filter(([status]) => status >= 400).reduce((sum, [, count]) => sum + count, 0);
    expect(refused).toBeGreaterThan(sent / 2);
    process.stdout.write(`fuzz: ${sent} requests, by status ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  }, 600_000);
});
