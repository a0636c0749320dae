import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { type RunningProcess, runApp } from '../support/process';
import { waitFor } from '../timers/support';

const ROOT = join(__dirname, '..', '..');
const ADMIN_KEY = 'admin-key-for-the-disk-full-test-0123';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly json: Record<string, unknown>;
}

/** Fills the file system of `dir` until a write fails for want of space. */
const fillUp = (file: string): void => {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
};

describe('a full disk under the store and the read models (api process, tmpfs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faults-disk-'));
  let api: RunningProcess | undefined;
  let isMounted = false;

  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill('SIGTERM');
    await api?.exited;
    if (isMounted) execFileSync('umount', [dir]);
    rmdirSync(dir);
  });

  it('answers 503 and records nothing partial while full, then every runner catches up without a restart', async () => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir], { stdio: 'pipe' });
      isMounted = true;
    } catch (error) {
      throw new Error(`this test needs to mount a tmpfs (run it as root): ${String(error)}`);
    }
    const eventStoreUrl = `sqlite:${join(dir, 'events.db')}`;
    api = runApp('api', {
      EVENT_STORE_URL: eventStoreUrl,
      READ_MODELS_PATH: join(dir, 'api.db'),
      API_KEYS_FILE: join(dir, 'api-keys.json'),
      API_KEYS: `admin1:admin:${ADMIN_KEY}`,
      // the test polls /health and the queue while the disk fills and frees: the default 600 a minute would refuse it
      RATE_LIMIT_PER_MINUTE: '100000',
      POLICIES_DIR: join(ROOT, 'policies'),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const serving = JSON.parse(await api.waitForLine(/serving on/, 60_000)) as { msg: string };
    const apiUrl = /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
    const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      return { status: response.status, contentType, json: /json/.test(contentType) ? JSON.parse(text) : { text } };
    };
    const customer = await call('POST', '/customers', { name: 'Acme', licences: 20, plan: 'priority' });
    expect(customer.status).toBe(201);
    const customerId = String(customer.json.id);
    const openTicket = () =>
      call('POST', '/tickets', { customerId, channel: 'email', subject: `Import fails ${randomUUID()}` });
    let opened = 0;
    for (let i = 0; i < 10; i += 1) {
      const answer = await openTicket();
      expect([answer.status, answer.json.code]).toEqual([201, undefined]);
      opened += 1;
    }

    fillUp(join(dir, 'filler'));
    const refusals: Answer[] = [];
    for (let i = 0; i < 200 && refusals.length === 0; i += 1) {
      const answer = await openTicket();
      if (answer.status === 201) opened += 1;
      else refusals.push(answer);
    }
    expect(refusals.map(({ status, contentType }) => [status, contentType.split(';')[0]])).toEqual([
      [503, 'application/problem+json'],
    ]);
    const health = async (): Promise<Answer> => call('GET', '/health');

    rmSync(join(dir, 'filler'));
    await waitFor(
      '/health 200 with the read models live and caught up',
      async () => {
        const answer = await health();
        const projections = answer.json.projections as { state?: string; behind?: number } | undefined;
        return answer.status === 200 && projections?.state === 'live' && projections.behind === 0;
      },
      60_000,
    );
    expect((await openTicket()).status).toBe(201);
    opened += 1;

    const store = await openEventStore(eventStoreUrl, UPCASTERS);
    let recorded = 0;
    for await (const event of store.readAll({ filter: { eventTypes: ['TicketOpened'] } })) recorded += event ? 1 : 0;
    await store.close();
    expect(recorded).toBe(opened);
    await waitFor(
      'the queue to show every ticket',
      async () => ((await call('GET', '/queue?limit=500')).json.items as unknown[]).length === opened,
      30_000,
    );
    const errors = api
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"level":50'))
      .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg));
    // A full disk is for a person to act on: the refused append and its 503 answer are the only error lines.
    expect(errors.map((msg) => msg.split('\n')[0])).toEqual([
      'Error: event store unavailable: SQLITE_FULL: database or disk is full',
      'request errored',
    ]);
  }, 180_000);

  it('keeps recording while the read models cannot write, reports them down, and they catch up without a restart', async () => {
    const readModels = mkdtempSync(join(tmpdir(), 'faults-read-models-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', readModels], { stdio: 'pipe' });
    const logDir = mkdtempSync(join(tmpdir(), 'faults-log-'));
    let engine: RunningProcess | undefined;
    try {
      const eventStoreUrl = `sqlite:${join(logDir, 'events.db')}`;
      engine = runApp('api', {
        EVENT_STORE_URL: eventStoreUrl,
        READ_MODELS_PATH: join(readModels, 'api.db'),
        API_KEYS_FILE: join(logDir, 'api-keys.json'),
        API_KEYS: `admin1:admin:${ADMIN_KEY}`,
        POLICIES_DIR: join(ROOT, 'policies'),
        PORT: '0',
        HOST: '127.0.0.1',
      });
      const serving = JSON.parse(await engine.waitForLine(/serving on/, 60_000)) as { msg: string };
      const url = /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${ADMIN_KEY}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, json: (await response.json()) as Record<string, unknown> };
      };
      const customer = await call('POST', '/customers', { name: 'Acme', licences: 20, plan: 'priority' });
      expect(customer.status).toBe(201);
      await waitFor('the read models live', async () => (await call('GET', '/health')).status === 200, 30_000);

      fillUp(join(readModels, 'filler'));
      let opened = 0;
      const projectionsState = async () =>
        ((await call('GET', '/health')).json.projections as { state?: string; behind?: number } | undefined) ?? {};
      await waitFor(
        'the read models to retry a failed write, /health 503',
        async () => {
          const answer = await call('POST', '/tickets', {
            customerId: customer.json.id,
            channel: 'email',
            subject: 'x',
          });
          expect(answer.status).toBe(201);
          opened += 1;
          const health = await call('GET', '/health');
          return health.status === 503 && (await projectionsState()).state === 'retrying';
        },
        60_000,
      );

      rmSync(join(readModels, 'filler'));
      await waitFor(
        '/health 200 again with the read models caught up',
        async () => {
          const health = await call('GET', '/health');
          const projections = health.json.projections as { state?: string; behind?: number };
          return health.status === 200 && projections.state === 'live' && projections.behind === 0;
        },
        60_000,
      );
      const store = await openEventStore(eventStoreUrl, UPCASTERS);
      let recorded = 0;
      for await (const event of store.readAll({ filter: { eventTypes: ['TicketOpened'] } })) recorded += event ? 1 : 0;
      await store.close();
      expect(recorded).toBe(opened);
      expect(((await call('GET', '/queue?limit=500')).json.items as unknown[]).length).toBe(opened);
    } finally {
      if (engine && engine.child.exitCode === null) engine.child.kill('SIGTERM');
      await engine?.exited;
      execFileSync('umount', [readModels]);
      rmdirSync(readModels);
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 180_000);
});
