import { eventually } from '@app/clock/test-support/eventually';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullJobQueue, BullJobWorker } from '@app/scheduling';
import { z } from 'zod';
import { OwnRedis, uniqueQueueName } from './support';

const JOB_ID = 'job__closing';

/** A handler that starts and then waits until the test lets it finish. */
const aHeldHandler = () => {
  const steps: string[] = [];
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const handle = async (): Promise<void> => {
    steps.push('handler started');
    await released;
    steps.push('handler finished');
  };
  return { steps, release, handle };
};

describe('BullJobWorker.close, whatever Redis did', () => {
  let dataDir: string;
  let redis: OwnRedis;
  let queue: BullJobQueue<string>;
  let worker: BullJobWorker | undefined;
  const queueName = uniqueQueueName();
  const ignore = (): void => undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'worker-close-'));
    redis = await OwnRedis.start({ dataDir });
    queue = await BullJobQueue.open<string>({
      redisUrl: redis.url,
      queueName,
      retry: { attempts: 3, backoffMs: 1_000 },
      onError: ignore,
    });
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.close();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const startWorker = (handle: () => Promise<void>): Promise<BullJobWorker> =>
    BullJobWorker.start({ redisUrl: redis.url, queueName, schema: z.string(), handle, onError: ignore });

  it('closes once Redis is back from a restart', async () => {
    worker = await startWorker(async () => undefined);
    await redis.restart();
    await worker.close();
    worker = undefined;
  });

  it('with Redis connected, waits for the handler in flight and records its job as completed', async () => {
    const held = aHeldHandler();
    worker = await startWorker(held.handle);
    await queue.add({ id: JOB_ID, name: 'held', data: 'x', delayMs: 0 });
    await eventually(() => expect(held.steps).toHaveLength(1));

    const closed = worker.close().then(() => held.steps.push('worker closed'));
    worker = undefined;
    held.release();
    await closed;

    expect(held.steps).toEqual(['handler started', 'handler finished', 'worker closed']);
    expect(await queue.countPending()).toBe(0);
    expect(await queue.listFailed()).toEqual([]);
  });

  it('with Redis away, waits for the handler in flight and leaves its job active for another worker', async () => {
    const held = aHeldHandler();
    worker = await startWorker(held.handle);
    await queue.add({ id: JOB_ID, name: 'held', data: 'x', delayMs: 0 });
    await eventually(() => expect(held.steps).toHaveLength(1));

    await redis.stop();
    const closed = worker.close().then(() => held.steps.push('worker closed'));
    worker = undefined;
    held.release();
    await closed;
    await redis.restart();
    await eventually(() => queue.countPending());

    expect(held.steps).toEqual(['handler started', 'handler finished', 'worker closed']);
    expect((await queue.listPending()).map((job) => job.id)).toEqual([JOB_ID]);
    expect(await queue.listFailed()).toEqual([]);
  });
});
