import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FixedClock } from '@app/clock';
import { liveWorkers, WorkerHeartbeat } from '@app/scheduling';
import { runApp } from '../support/process';
import { requireRedis, TEST_REDIS_URL } from '../support/redis';
import { eventually } from '@app/clock/test-support/eventually';

describe('worker heartbeat in Redis', () => {
  let redis: Redis;

  beforeAll(() => requireRedis());
  beforeEach(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterEach(() => redis.quit());

  const workerHealth = async (host: string) => {
    const cli = runApp('cli', { REDIS_URL: TEST_REDIS_URL }, ['worker-health', '--host', host]);
    const { code } = await cli.exited;
    return { code, answer: JSON.parse(cli.stdout() || '{}') as { isBeating?: boolean } };
  };

  it('lists a beating worker until it stops, and the healthcheck command says so by its exit status', async () => {
    const host = `test-${randomUUID()}`;
    const heartbeat = await WorkerHeartbeat.start(
      redis,
      `${host}-1`,
      new FixedClock('2026-12-01T15:00:00.000Z'),
      () => {},
    );
    expect(await liveWorkers(redis)).toContainEqual({ workerId: `${host}-1`, beatAt: '2026-12-01T15:00:00.000Z' });
    expect(await workerHealth(host)).toMatchObject({ code: 0, answer: { isBeating: true } });
    await heartbeat.stop();
    expect((await liveWorkers(redis)).map((beat) => beat.workerId)).not.toContain(`${host}-1`);
    expect(await workerHealth(host)).toMatchObject({ code: 1, answer: { isBeating: false } });
  });

  it('is beaten by a running worker process and dropped when it stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sla-heartbeat-'));
    const worker = runApp('worker', {
      REDIS_URL: TEST_REDIS_URL,
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    });
    try {
      const workerId = `${hostname()}-${worker.child.pid}`;
      await eventually(
        async () => expect((await liveWorkers(redis)).map((beat) => beat.workerId)).toContain(workerId),
        20_000,
      );
      await worker.waitForLine(/worker started/);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect((await liveWorkers(redis)).map((beat) => beat.workerId)).not.toContain(workerId);
    } finally {
      worker.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
