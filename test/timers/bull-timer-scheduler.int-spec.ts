import { eventually } from '@app/clock/test-support/eventually';
import { FixedClock, SystemClock } from '@app/clock';
import { BullTimerScheduler, type BullJobWorker, startBullTimerWorker, type Timer } from '@app/scheduling';
import { Queue } from 'bullmq';
import { aTimer, REDIS_URL, requireRedis, uniqueQueueName } from './support';

const inMs = (clock: { now(): string }, ms: number): string => new Date(Date.parse(clock.now()) + ms).toISOString();
const throwError = (error: Error): never => {
  throw error;
};

describe('BullTimerScheduler, on a real Redis', () => {
  let queueName: string;
  let scheduler: BullTimerScheduler;
  let raw: Queue;
  const workers: BullJobWorker[] = [];
  const clock = new SystemClock();

  beforeEach(async () => {
    await requireRedis();
    queueName = uniqueQueueName();
    scheduler = await BullTimerScheduler.open(
      { redisUrl: REDIS_URL, queueName, retry: { attempts: 3, backoffMs: 20 }, onError: throwError },
      clock,
    );
    raw = new Queue(queueName, { connection: { url: REDIS_URL } });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    await scheduler.destroy();
    await scheduler.close();
    await raw.close();
  });

  const startWorker = async (handler: (timer: Timer) => Promise<void>) => {
    const worker = await startBullTimerWorker({ redisUrl: REDIS_URL, queueName, handler, onError: throwError });
    workers.push(worker);
    return worker;
  };

  it('keeps one job when the same timer is scheduled twice, alone and in bulk', async () => {
    const timer = aTimer({ dueAt: inMs(clock, 3_600_000) });
    await scheduler.schedule(timer);
    await scheduler.schedule(timer);
    await scheduler.scheduleMany([timer, timer]);

    expect(await scheduler.listPending()).toEqual([timer]);
  });

  it('lists the ids of every pending job, page after page, delayed or waiting, without reading the jobs', async () => {
    const later = Array.from({ length: 6_001 }, (_, n) => aTimer({ dueAt: inMs(clock, 3_600_000 + n) }));
    const due = Array.from({ length: 3 }, () => aTimer({ dueAt: inMs(clock, -1_000) }));
    await scheduler.scheduleMany([...later, ...due]);

    const ids = await scheduler.listPendingIds();
    expect(ids).toHaveLength(6_004);
    expect([...ids].sort()).toEqual([...later, ...due].map((timer) => timer.id).sort());
  });

  it('delays each job until its due instant, as seen by the injected clock', async () => {
    const fixed = new FixedClock('2026-11-30T15:00:00.000Z');
    const late = await BullTimerScheduler.open({ redisUrl: REDIS_URL, queueName, onError: throwError }, fixed);
    const inAnHour = aTimer({ dueAt: '2026-11-30T16:00:00.000Z' });
    const overdue = aTimer({ dueAt: '2026-11-30T14:00:00.000Z' });
    await late.scheduleMany([inAnHour, overdue]);
    await late.close();

    expect((await raw.getJob(inAnHour.id))?.delay).toBe(3_600_000);
    expect((await raw.getJob(overdue.id))?.delay).toBe(0);
  });

  it('removes a cancelled timer, which then never fires', async () => {
    const cancelled = aTimer({ dueAt: inMs(clock, 300) });
    const kept = aTimer({ dueAt: inMs(clock, 300) });
    await scheduler.scheduleMany([cancelled, kept]);

    expect(await scheduler.cancel(cancelled.id)).toBe(true);
    expect(await scheduler.cancel(cancelled.id)).toBe(false);
    const fired: string[] = [];
    await startWorker(async (timer) => void fired.push(timer.id));
    await eventually(async () => expect(await raw.getCompletedCount()).toBe(1));

    expect(fired).toEqual([kept.id]);
  });

  it('hands each fired timer to exactly one of three workers, once', async () => {
    const timers = Array.from({ length: 300 }, () => aTimer({ dueAt: inMs(clock, 200) }));
    const fired = new Map<string, number>();
    const record = async (timer: Timer) => void fired.set(timer.id, (fired.get(timer.id) ?? 0) + 1);
    await Promise.all([startWorker(record), startWorker(record), startWorker(record)]);
    await scheduler.scheduleMany(timers);

    await eventually(async () => expect(await raw.getCompletedCount()).toBe(timers.length));
    expect(fired.size).toBe(timers.length);
    expect([...fired.values()].every((times) => times === 1)).toBe(true);
  });

  it('hands the payload over as scheduled', async () => {
    const timer = aTimer({ kind: 'at-risk', generation: 4, dueAt: inMs(clock, 0) });
    const fired: Timer[] = [];
    await startWorker(async (t) => void fired.push(t));
    await scheduler.schedule(timer);

    await eventually(() => expect(fired).toHaveLength(1));
    expect(fired).toEqual([timer]);
  });

  it('retries a failing handler with backoff until it succeeds', async () => {
    const timer = aTimer({ dueAt: inMs(clock, 0) });
    let attempts = 0;
    await startWorker(async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('store unavailable');
    });
    await scheduler.schedule(timer);

    await eventually(async () => expect(await raw.getCompletedCount()).toBe(1));
    expect(attempts).toBe(3);
  });

  it('fails a malformed payload for good, without retrying', async () => {
    let calls = 0;
    await startWorker(async () => void (calls += 1));
    await raw.add('breach', { kind: 'breach', ticketId: 't-1' }, { jobId: 'breach__t-1__c__1', attempts: 5 });

    await eventually(async () => expect(await raw.getFailedCount()).toBe(1));
    const [failed] = await raw.getFailed();
    expect({ attemptsMade: failed?.attemptsMade, calls }).toEqual({ attemptsMade: 1, calls: 0 });
  });
});
