import { eventually } from '@app/clock/test-support/eventually';
import { randomUUID } from 'node:crypto';
import { SystemClock } from '@app/clock';
import {
  type BullJobWorker,
  BullTimerScheduler,
  reconcileTimers,
  startBullTimerWorker,
  type Timer,
} from '@app/scheduling';
import { timerId } from '@app/domain';
import { Redis } from 'ioredis';
import { OwnRedis, uniqueQueueName } from './support';

const COUNT = 1_000;

describe('Timers after Redis lost its data', () => {
  let redis: OwnRedis;
  let scheduler: BullTimerScheduler;
  let worker: BullJobWorker | undefined;
  const errors: Error[] = [];
  const clock = new SystemClock();
  const queueName = uniqueQueueName();

  beforeEach(async () => {
    redis = await OwnRedis.start();
    scheduler = await BullTimerScheduler.open(
      { redisUrl: redis.url, queueName, onError: (error) => errors.push(error) },
      clock,
    );
  });

  afterEach(async () => {
    await worker?.close();
    await scheduler.close();
    await redis.stop();
  });

  const impliedTimers = (dueInMs: number): Timer[] => {
    const dueAt = new Date(Date.parse(clock.now()) + dueInMs).toISOString();
    return Array.from({ length: COUNT }, () => {
      const ticketId = randomUUID();
      return {
        id: timerId('breach', ticketId, 'first-response', 1),
        dueAt,
        payload: { kind: 'breach', ticketId, clockId: 'first-response', generation: 1, dueAt },
      };
    });
  };

  const countPending = async (): Promise<number> => (await scheduler.listPending()).length;

  it('restores every pending timer after FLUSHALL and after a restart without persistence; each fires once', async () => {
    const implied = impliedTimers(4_000);
    await scheduler.scheduleMany(implied);
    expect(await countPending()).toBe(COUNT);

    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    expect(await countPending()).toBe(0);
    expect(await reconcileTimers(scheduler, implied)).toEqual({
      implied: COUNT,
      pending: 0,
      added: COUNT,
      removed: 0,
      kept: 0,
      busy: 0,
    });

    await redis.restart();
    await eventually(() => scheduler.listPending());
    expect(await countPending()).toBe(0);
    expect((await reconcileTimers(scheduler, implied)).added).toBe(COUNT);
    expect((await reconcileTimers(scheduler, implied)).kept).toBe(COUNT);

    const fired = new Map<string, number>();
    worker = await startBullTimerWorker({
      redisUrl: redis.url,
      queueName,
      handler: async (timer) => void fired.set(timer.id, (fired.get(timer.id) ?? 0) + 1),
      onError: (error) => errors.push(error),
    });
    await eventually(() => expect(fired.size).toBe(COUNT), 20_000);
    await eventually(async () => expect(await scheduler.countPending()).toBe(0));

    expect([...fired.keys()].sort()).toEqual(implied.map((timer) => timer.id).sort());
    expect([...fired.values()].every((times) => times === 1)).toBe(true);
  });
});
