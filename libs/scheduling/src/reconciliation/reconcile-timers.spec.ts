import { FixedClock } from '@app/clock';
import { timerId } from '@app/domain';
import { InProcessTimerScheduler, type Timer } from '@app/scheduling';
import { diffTimers, reconcileTimers, restoreMissingTimers } from './reconcile-timers';

const aTimer = (ticketId: string, generation = 1): Timer => {
  const dueAt = '2026-11-30T19:00:00.000Z';
  return {
    id: timerId('breach', ticketId, 'first-response', generation),
    dueAt,
    payload: { kind: 'breach', ticketId, clockId: 'first-response', generation, dueAt },
  };
};

describe('diffTimers', () => {
  it('finds the implied timers that are not pending and the pending ones the log no longer implies', () => {
    const a = aTimer('a');
    const b = aTimer('b');
    const c = aTimer('c');
    const stale = aTimer('a', 0);

    expect(diffTimers([a, b, c, c], [b, stale])).toEqual({ missing: [a, c], orphans: [stale.id], kept: 1 });
  });

  it('has nothing to do when both sides agree', () => {
    const timers = [aTimer('a'), aTimer('b')];

    expect(diffTimers(timers, timers)).toEqual({ missing: [], orphans: [], kept: 2 });
  });
});

describe('reconcileTimers', () => {
  it('schedules the missing timers, cancels the orphans and reports the counts', async () => {
    const scheduler = new InProcessTimerScheduler(new FixedClock('2026-11-30T15:00:00.000Z'), {
      handler: async () => undefined,
      onFailure: () => undefined,
    });
    const kept = aTimer('kept');
    const missing = aTimer('missing');
    const orphan = aTimer('kept', 0);
    await scheduler.scheduleMany([kept, orphan]);

    const report = await reconcileTimers(scheduler, [kept, missing]);
    const pendingIds = (await scheduler.listPending()).map((timer) => timer.id).sort();
    await scheduler.close();

    expect(report).toEqual({ implied: 2, pending: 2, added: 1, removed: 1, kept: 1, busy: 0 });
    expect(pendingIds).toEqual([kept.id, missing.id].sort());
  });
});

describe('reconcileTimers, for many open clocks', () => {
  const scheduler = () =>
    new InProcessTimerScheduler(new FixedClock('2026-11-30T15:00:00.000Z'), {
      handler: async () => undefined,
      onFailure: () => undefined,
    });

  it('schedules every missing timer once, chunk after chunk, as the implied timers are read', async () => {
    const timers = scheduler();
    const implied = Array.from({ length: 9_001 }, (_, n) => aTimer(`t${n}`));
    await timers.scheduleMany(implied.slice(0, 1_000));
    let read = 0;
    function* reading(): IterableIterator<Timer> {
      for (const timer of implied) {
        read += 1;
        yield timer;
        yield timer;
      }
    }

    const report = await reconcileTimers(timers, reading());
    const pendingIds = await timers.listPendingIds();
    await timers.close();

    expect(read).toBe(9_001);
    expect(report).toEqual({ implied: 9_001, pending: 1_000, added: 8_001, removed: 0, kept: 1_000, busy: 0 });
    expect(new Set(pendingIds)).toEqual(new Set(implied.map((timer) => timer.id)));
  });

  it('fails with the first failure of the scheduler, however many chunks were in flight', async () => {
    const failing = scheduler();
    const refusal = new Error('Redis went away');
    let calls = 0;
    failing.scheduleMany = async () => {
      calls += 1;
      if (calls === 2) throw refusal;
    };

    await expect(
      reconcileTimers(
        failing,
        Array.from({ length: 9_001 }, (_, n) => aTimer(`t${n}`)),
      ),
    ).rejects.toBe(refusal);
    await failing.close();
  });
});

describe('restoreMissingTimers', () => {
  it('schedules the missing timers and cancels none of those the open clocks do not imply (they may lag)', async () => {
    const scheduler = new InProcessTimerScheduler(new FixedClock('2026-11-30T15:00:00.000Z'), {
      handler: async () => undefined,
      onFailure: () => undefined,
    });
    const kept = aTimer('kept');
    const missing = aTimer('missing');
    const newer = aTimer('kept', 2);
    await scheduler.scheduleMany([kept, newer]);

    const report = await restoreMissingTimers(scheduler, [kept, missing, missing]);
    const pendingIds = (await scheduler.listPending()).map((timer) => timer.id).sort();
    await scheduler.close();

    expect(report).toEqual({ implied: 2, pending: 2, added: 1 });
    expect(pendingIds).toEqual([kept.id, missing.id, newer.id].sort());
  });
});
