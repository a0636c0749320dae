import { eventually } from '@app/clock/test-support/eventually';
import { openTicket } from '@app/reactors/test-support/reactor.fixtures';
import { countByTicket, report, TimersEngine, POLL_MS } from './engine';

const TICKETS = 1_000;
const PENDING = 3 * TICKETS;
/** 75 s, at-risk at 90 %: nothing comes due while Redis is flushed, restarted and reconciled. */
const TERMS = { allowanceMinutes: 1.25, atRiskPercent: 90, escalationDelayMinutes: 1 };

describe('SLA timers after Redis loses its data', () => {
  let engine: TimersEngine | undefined;

  afterEach(async () => {
    await engine?.close();
  });

  it('restores every pending timer by reconciliation, after FLUSHALL and after a restart without persistence', async () => {
    engine = await TimersEngine.start([TERMS]);
    const { store, policies, clock } = engine;
    await engine.startWorker('w1');
    const ticketIds = Array.from({ length: TICKETS }, (_, i) => `loss-${i}`);
    for (const ticketId of ticketIds) await openTicket(store, policies, ticketId, clock.now());
    const pendingCount = async (): Promise<number> => (await engine!.pendingTimers()).length;
    await eventually(async () => expect(await pendingCount()).toBe(PENDING), 60_000, POLL_MS);

    await engine.flushRedis();
    expect(await pendingCount()).toBe(0);
    const orphan = {
      id: 'breach__gone__first-response__0',
      dueAt: '2030-01-01T00:00:00.000Z',
      payload: {
        kind: 'breach' as const,
        ticketId: 'gone',
        clockId: 'first-response',
        generation: 0,
        dueAt: '2030-01-01T00:00:00.000Z',
      },
    };
    await engine.scheduleDirectly(orphan);
    const byCli = await engine.reconcileWithCli();
    expect(byCli).toEqual({ missingAdded: PENDING, orphansRemoved: 1, unchanged: 0, busy: 0 });
    expect(await pendingCount()).toBe(PENDING);
    expect(await engine.reconcileWithCli()).toEqual({
      missingAdded: 0,
      orphansRemoved: 0,
      unchanged: PENDING,
      busy: 0,
    });

    await engine.redis.restart();
    expect(await pendingCount()).toBe(0);
    await engine.stopWorker('w1');
    const restarted = await engine.startWorker('w2');
    const line = await restarted.waitForLine(/timers reconciled/);
    expect(line).toContain(`timers reconciled: ${PENDING} missing added, 0 orphans removed, 0 unchanged`);
    expect(await pendingCount()).toBe(PENDING);

    await eventually(
      async () => {
        expect((await engine!.events('SlaBreached')).length).toBeGreaterThanOrEqual(TICKETS);
        expect((await engine!.pendingTimers()).filter((timer) => timer.payload.kind !== 'escalation')).toEqual([]);
      },
      100_000,
      POLL_MS,
    );
    const breaches = countByTicket(await engine.events('SlaBreached'));
    const atRisk = countByTicket(await engine.events('SlaAtRisk'));
    expect({ breached: breaches.size, maxBreaches: Math.max(...breaches.values()) }).toEqual({
      breached: TICKETS,
      maxBreaches: 1,
    });
    expect({ atRisk: atRisk.size, maxAtRisk: Math.max(...atRisk.values()) }).toEqual({ atRisk: TICKETS, maxAtRisk: 1 });
    report('redis-loss', {
      tickets: TICKETS,
      pendingTimers: PENDING,
      afterFlushall: byCli,
      afterRestart: line.match(/timers reconciled[^"]*/)?.[0],
      breaches: breaches.size,
    });
  }, 180_000);
});
