import { eventually } from '@app/clock/test-support/eventually';
import { FixedClock } from '@app/clock';
import { InProcessTimerScheduler, PermanentJobFailure, type Timer, type TimerHandler } from '@app/scheduling';
import { aTimer } from './support';

const NOW = '2026-11-30T15:00:00.000Z';
const at = (ms: number): string => new Date(Date.parse(NOW) + ms).toISOString();

describe('InProcessTimerScheduler', () => {
  let scheduler: InProcessTimerScheduler;
  let fired: Timer[];
  let failures: { timer: Timer; error: unknown }[];

  const open = (handler: TimerHandler = async (timer) => void fired.push(timer)) => {
    scheduler = new InProcessTimerScheduler(new FixedClock(NOW), {
      handler,
      onFailure: (timer, error) => failures.push({ timer, error }),
      retry: { attempts: 3, backoffMs: 5 },
    });
  };

  beforeEach(() => {
    fired = [];
    failures = [];
  });

  afterEach(() => scheduler.close());

  it('fires each timer once, in due order, measuring the delay from the injected clock', async () => {
    open();
    const later = aTimer({ dueAt: at(60) });
    const overdue = aTimer({ dueAt: at(-3_600_000) });
    const sooner = aTimer({ dueAt: at(20) });
    await scheduler.scheduleMany([later, overdue, sooner]);

    await eventually(() => expect(fired).toHaveLength(3));
    expect(fired).toEqual([overdue, sooner, later]);
    expect(await scheduler.listPending()).toEqual([]);
  });

  it('fires a timer scheduled twice only once', async () => {
    open();
    const timer = aTimer({ dueAt: at(10) });
    const marker = aTimer({ dueAt: at(40) });
    await scheduler.schedule(timer);
    await scheduler.scheduleMany([timer, marker]);

    await eventually(() => expect(fired).toContain(marker));
    expect(fired).toEqual([timer, marker]);
  });

  it('never fires a cancelled timer', async () => {
    open();
    const cancelled = aTimer({ dueAt: at(10) });
    const marker = aTimer({ dueAt: at(40) });
    await scheduler.scheduleMany([cancelled, marker]);

    expect(await scheduler.cancel(cancelled.id)).toBe(true);
    expect(await scheduler.cancel(cancelled.id)).toBe(false);
    await eventually(() => expect(fired).toContain(marker));
    expect(fired).toEqual([marker]);
  });

  it('holds 100 000 pending timers cheaply and still fires the due ones', async () => {
    open();
    const far = Array.from({ length: 100_000 }, (_, i) => aTimer({ ticketId: `t-${i}`, dueAt: at(3_600_000 + i) }));
    const near = [aTimer({ dueAt: at(30) }), aTimer({ dueAt: at(30) })];
    const start = performance.now();
    await scheduler.scheduleMany(far);
    await scheduler.scheduleMany(near);
    for (const timer of far.slice(0, 60_000)) await scheduler.cancel(timer.id);
    const elapsedMs = performance.now() - start;

    await eventually(() => expect(fired).toHaveLength(2));
    expect(fired).toEqual(near);
    expect((await scheduler.listPending()).length).toBe(40_000);
    // about 1 s on an idle machine; the bound only catches work that grows with the square of pending timers
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('retries a failing handler with backoff, then reports the failure after the last attempt', async () => {
    let calls = 0;
    open(async () => {
      calls += 1;
      throw new Error('store unavailable');
    });
    const timer = aTimer({ dueAt: at(0) });
    await scheduler.schedule(timer);

    await eventually(() => expect(failures).toHaveLength(1));
    expect({ calls, timer: failures[0]?.timer }).toEqual({ calls: 3, timer });
  });

  it('reports no failure for a try that fails while the timer was scheduled again: the new schedule records it', async () => {
    const timer = aTimer({ dueAt: at(0) });
    const attempts: number[] = [];
    open(async (fired_, { attempt }) => {
      attempts.push(attempt);
      if (attempts.length > 1) return void fired.push(fired_);
      await scheduler.schedule(timer);
      throw new Error('fired before its breach was recorded');
    });
    await scheduler.schedule(timer);

    await eventually(() => expect(fired).toHaveLength(1));
    expect({ attempts, failures }).toEqual({ attempts: [1, 1], failures: [] });
  });

  it('reports a permanent failure at once, without retrying it', async () => {
    let calls = 0;
    open(async () => {
      calls += 1;
      throw new PermanentJobFailure('no such ticket');
    });
    const timer = aTimer({ dueAt: at(0) });
    await scheduler.schedule(timer);

    await eventually(() => expect(failures).toHaveLength(1));
    expect({ calls, timer: failures[0]?.timer }).toEqual({ calls: 1, timer });
  });

  it('fires nothing once closed', async () => {
    open();
    const marker = aTimer({ dueAt: at(20) });
    await scheduler.schedule(aTimer({ dueAt: at(20) }));
    await scheduler.close();
    open();
    await scheduler.schedule(marker);

    await eventually(() => expect(fired).toHaveLength(1));
    expect(fired).toEqual([marker]);
  });
});
