import type { INestApplication } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@app/config';
import { createApp } from '../apps/api/src/create-app';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SystemClock } from '@app/clock';
import { WorkerHeartbeat } from '@app/scheduling';
import { TEST_REDIS_URL, requireRedis } from './support/redis';
import { eventually } from '@app/clock/test-support/eventually';

const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';
// A database of its own, so that the workers of other suites beating on the same server are not counted.
const HEARTBEAT_REDIS_URL = `${TEST_REDIS_URL}/9`;
const ADMIN_KEY = 'admin-key-0123456789abcdef';
const OPS_KEY = 'ops-key-0123456789abcdef';
const AGENT_KEY = 'agent-key-0123456789abcdef';
const asOperator = { headers: { authorization: `Bearer ${OPS_KEY}` } };

interface ProjectionsBody {
  readonly status: string;
  readonly state: string;
  readonly checkpoint: number | null;
  readonly head: number | null;
  readonly behind: number;
  readonly seconds: number;
}

/** Without the workers in this process, the read models are the one follower of the log. */
const READ_MODELS_FOLLOWING = {
  status: 'up',
  processors: [{ name: 'read models', state: expect.stringMatching(/^(idle|catching-up|live)$/) }],
};

/** A fresh log is empty: nothing to apply, whether the runner is still starting or already following. */
const EMPTY_LOG_FOLLOWED = {
  status: 'up',
  state: expect.stringMatching(/^(idle|catching-up|live)$/),
  checkpoint: null,
  head: null,
  behind: 0,
  seconds: 0,
};

describe('GET /health over HTTP', () => {
  let app: INestApplication | undefined;
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-health-'));
  });

  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(HEARTBEAT_REDIS_URL, { lazyConnect: true });
  });
  afterAll(() => redis.quit());

  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>): Promise<string> => {
    const config = parseConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
        API_KEYS_FILE: join(dataDir, 'api-keys.json'),
        READ_MODELS_PATH: join(dataDir, 'read-models.db'),
        API_KEYS: `admin1:admin:${ADMIN_KEY},ops1:ops:${OPS_KEY},agent1:agent:${AGENT_KEY}`,
        ...env,
      },
      false,
    );
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  };

  it('reports 200 with every dependency up when the store and Redis answer and a worker beats', async () => {
    await requireRedis();
    const heartbeat = await WorkerHeartbeat.start(redis, `health-${randomUUID()}-1`, new SystemClock(), () => {});
    try {
      const url = await start({ REDIS_URL: HEARTBEAT_REDIS_URL });
      const response = await fetch(`${url}/health`, asOperator);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'up',
        dependencies: { eventStore: { status: 'up' }, redis: { status: 'up' } },
        projections: EMPTY_LOG_FOLLOWED,
        timers: { status: 'up', workers: 1, oldestOverdueMs: 0 },
        processors: READ_MODELS_FOLLOWING,
      });
      expect(existsSync(join(dataDir, 'events.db'))).toBe(true);
    } finally {
      await heartbeat.stop();
    }
  });

  it('reports 503 naming the missing workers when REDIS_URL is set and no worker beats, and the backlog', async () => {
    await requireRedis();
    const url = await start({ REDIS_URL: HEARTBEAT_REDIS_URL });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const customer = (await (
      await call('POST', '/customers', { name: 'Acme', licences: 20, plan: 'premium' })
    ).json()) as {
      id: string;
    };
    // received 6 days ago: its 4 support hours have long run out, and no worker is there to record the breach
    const receivedAt = new Date(Date.parse(new SystemClock().now()) - 6 * 86_400_000).toISOString();
    expect(
      (await call('POST', '/tickets', { customerId: customer.id, channel: 'email', subject: 'x', receivedAt })).status,
    ).toBe(201);
    const timers = await eventually(async () => {
      const body = (await (await fetch(`${url}/health`, asOperator)).json()) as { timers: Record<string, unknown> };
      expect(Number(body.timers.oldestOverdueMs)).toBeGreaterThan(60_000);
      return body.timers;
    });
    expect(timers).toMatchObject({ status: 'down', workers: 0, reason: expect.stringContaining('no worker') });
    const probe = await fetch(`${url}/health`);
    expect([probe.status, ((await probe.json()) as { timers: unknown }).timers]).toEqual([503, { status: 'down' }]);
    const metrics = await (await fetch(`${url}/metrics`, asOperator)).text();
    expect(metrics).toMatch(/^sla_timer_workers 0$/m);
    expect(Number(/^sla_timer_oldest_overdue_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(60);
  });

  it('lists every follower of the log in embedded mode, the read models and the three reactors, in /health and /metrics', async () => {
    const url = await start({});
    const processors = await eventually(async () => {
      const response = await fetch(`${url}/health`, asOperator);
      const body = (await response.json()) as { processors: { processors: { name: string; state: string }[] } };
      const all = body.processors.processors;
      expect(all.map(({ state }) => state)).toEqual(['live', 'live', 'live', 'live']);
      return all;
    });
    expect(processors.map(({ name }) => name).sort()).toEqual(['alerts', 'customer-standing', 'read models', 'timers']);
    const metrics = await (await fetch(`${url}/metrics`, asOperator)).text();
    for (const name of ['alerts', 'customer-standing', 'read models', 'timers'])
      expect(metrics).toContain(`sla_log_processor_following{processor="${name}"} 1\n`);
  });

  it('reports 503 naming Redis when Redis does not answer', async () => {
    const url = await start({ REDIS_URL: UNREACHABLE_REDIS });
    const response = await fetch(`${url}/health`, asOperator);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'down',
      dependencies: { eventStore: { status: 'up' }, redis: { status: 'down', error: expect.any(String) } },
      projections: EMPTY_LOG_FOLLOWED,
      timers: { status: 'down', workers: 0, oldestOverdueMs: 0, reason: expect.stringContaining('no worker') },
      processors: READ_MODELS_FOLLOWING,
    });
  });

  it('reports the read models catching up with what was appended, and 0 events behind once they have', async () => {
    const url = await start({});
    const projections = async (): Promise<ProjectionsBody> => {
      const response = await fetch(`${url}/health`, asOperator);
      expect(response.status).toBe(200);
      return ((await response.json()) as { projections: ProjectionsBody }).projections;
    };
    const caughtUp = (after: number | null) =>
      eventually(async () => {
        const lag = await projections();
        expect(lag).toMatchObject({ state: 'live', behind: 0 });
        expect(lag.checkpoint).not.toBeNull();
        if (after !== null) expect(lag.checkpoint).toBeGreaterThan(after);
        return lag;
      });
    const before = await eventually(async () => {
      const lag = await projections();
      expect(lag.state).toBe('live');
      return lag;
    });

    const registered = await fetch(`${url}/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme', licences: 20, plan: 'premium' }),
    });
    expect(registered.status).toBe(201);
    const justAfter = await projections();
    // one event appended: the read models have it already or are one behind, by at most a few seconds
    expect([0, 1]).toContain(justAfter.behind);
    expect(justAfter.head).toBe((before.head ?? 0) + 1);
    expect(justAfter.seconds).toBeLessThan(5);

    expect(await caughtUp(before.checkpoint)).toEqual({
      status: 'up',
      state: 'live',
      checkpoint: (before.head ?? 0) + 1,
      head: (before.head ?? 0) + 1,
      behind: 0,
      seconds: 0,
    });
  });

  it('tells anyone only the status of each component, and keeps error texts and log positions for operators', async () => {
    const url = await start({ REDIS_URL: UNREACHABLE_REDIS });
    const summary = {
      status: 'down',
      dependencies: { eventStore: { status: 'up' }, redis: { status: 'down' } },
      projections: { status: 'up' },
      timers: { status: 'down' },
      processors: { status: 'up' },
    };
    for (const headers of [
      {},
      { authorization: `Bearer ${AGENT_KEY}` },
      { authorization: 'Bearer not-a-key-at-all' },
    ]) {
      const response = await fetch(`${url}/health`, { headers });
      expect([response.status, await response.json()]).toEqual([503, summary]);
    }
    const forAdmin = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(await forAdmin.json()).toMatchObject({ dependencies: { redis: { error: expect.any(String) } } });
  });

  it('reports in-process timers when REDIS_URL is unset', async () => {
    const url = await start({});
    const body = (await (await fetch(`${url}/health`)).json()) as { dependencies: { redis: { status: string } } };
    expect(body.dependencies.redis.status).toBe('not-configured');
  });

  it('answers with the request id it was given, or a new one', async () => {
    const url = await start({});
    const given = await fetch(`${url}/health`, { headers: { 'x-request-id': 'req-42' } });
    expect(given.headers.get('x-request-id')).toBe('req-42');
    const fresh = await fetch(`${url}/health`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
