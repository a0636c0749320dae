import { FixedClock } from '@app/clock';
import { timerId } from '@app/domain';
import { InProcessTimerScheduler, type Timer } from '@app/scheduling';
import { TimerKeeper } from './timer-keeper';

const aTimer = (ticketId: string): Timer => {
  const dueAt = '2026-12-03T15:00:00.000Z';
  return {
    id: timerId('breach', ticketId, 'first-response', 1),
    dueAt,
    payload: { kind: 'breach', ticketId, clockId: 'first-response', generation: 1, dueAt },
  };
};

const setUp = (implied: () => Promise<readonly Timer[]>, monotonicMs?: () => number) => {
  const scheduler = new InProcessTimerScheduler(new FixedClock('2026-12-02T15:00:00.000Z'), {
    handler: async () => undefined,
    onFailure: () => undefined,
  });
  const lines: string[] = [];
  const logger = {
    log: (line: string) => lines.push(`log: ${line}`),
    warn: (line: string) => lines.push(`warn: ${line}`),
    debug: (line: string) => lines.push(`debug: ${line}`),
  };
  const keeper = new TimerKeeper({
    scheduler,
    implied,
    logger,
    maxBackoffMs: 20,
    ...(monotonicMs ? { monotonicMs } : {}),
  });
  return { scheduler, keeper, lines };
};

describe('TimerKeeper', () => {
  it('given Redis restarted empty, when asked, restores every implied timer and warns once with the counts', async () => {
    const timers = [aTimer('t1'), aTimer('t2')];
    const { scheduler, keeper, lines } = setUp(async () => timers);

    await keeper.request({ kind: 'restarted', previousRunId: 'a', runId: 'b' });

    expect([...(await scheduler.listPendingIds())].sort()).toEqual(timers.map((timer) => timer.id).sort());
    expect(lines).toEqual([
      'warn: Redis lost its data (run_id a is now b): 0 timers were pending of 2 the open clocks imply; 2 restored',
    ]);
    await keeper.stop();
    await scheduler.close();
  });

  it('given the open clocks cannot be read, tries again with backoff and warns at the first failure only', async () => {
    let calls = 0;
    const { scheduler, keeper, lines } = setUp(async () => {
      calls += 1;
      if (calls <= 3) throw new Error('read models busy');
      return [aTimer('t1')];
    });

    await keeper.request({ kind: 'periodic' });

    expect(calls).toBe(4);
    expect(lines).toEqual([
      'warn: timers could not be reconciled (periodic): read models busy; trying again with backoff up to 20 ms',
      'log: timers restored after 3 failed tries',
      'log: timers reconciled (periodic): 1 missing added of 1 the open clocks imply',
    ]);
    await keeper.stop();
    await scheduler.close();
  });

  it('puts off a periodic check while the last one took more than a hundredth of the time since, never a restart', async () => {
    let calls = 0;
    let nowMs = 0;
    const { scheduler, keeper } = setUp(
      async () => {
        calls += 1;
        nowMs += 30; // each check reads the open clocks for 30 ms
        return [];
      },
      () => nowMs,
    );

    await keeper.request({ kind: 'periodic' });
    nowMs += 2_999;
    await keeper.request({ kind: 'periodic' });
    expect(calls).toBe(1);

    await keeper.request({ kind: 'restarted', previousRunId: 'a', runId: 'b' });
    expect(calls).toBe(2);

    nowMs += 1;
    await keeper.request({ kind: 'periodic' });
    expect(calls).toBe(3);
    await keeper.stop();
    await scheduler.close();
  });
});
