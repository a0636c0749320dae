import { openTicket } from '@app/reactors/test-support/reactor.fixtures';
import { type RunningProcess, runApp } from '../support/process';
import { countByTicket, TimersEngine } from '../timers-e2e/engine';
import { waitFor } from '../timers/support';

const OPS_KEY = 'ops-key-for-the-no-worker-fault-test';
const TICKETS = 5;
/** 18 s to the deadline, at-risk at 50 %, escalation long after the test. */
const TERMS = { allowanceMinutes: 0.3, atRiskPercent: 50, escalationDelayMinutes: 60 };

interface TimersHealth {
  readonly httpStatus: number;
  readonly timers: { readonly status: string; readonly workers: number | null; readonly reason?: string };
}

describe('timers with no worker running (api process, a Redis of its own, workers started and killed)', () => {
  let engine: TimersEngine | undefined;
  let api: RunningProcess | undefined;

  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill('SIGTERM');
    await api?.exited;
    await engine?.close();
  });

  it('is loud while no worker beats, records every breach once a worker runs, and is loud again once it is killed', async () => {
    engine = await TimersEngine.start([TERMS], { API_KEYS: `ops1:ops:${OPS_KEY}` });
    const running = engine;
    api = runApp('api', { ...running.env('api'), PORT: '0', HOST: '127.0.0.1' });
    const serving = JSON.parse(await api.waitForLine(/serving on/, 60_000)) as { msg: string };
    const url = /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
    const asOps = { headers: { authorization: `Bearer ${OPS_KEY}` } };
    const health = async (): Promise<TimersHealth> => {
      const response = await fetch(`${url}/health`, asOps);
      return { ...((await response.json()) as Omit<TimersHealth, 'httpStatus'>), httpStatus: response.status };
    };
    const workersGauge = async (): Promise<number> =>
      Number(/^sla_timer_workers (\S+)$/m.exec(await (await fetch(`${url}/metrics`, asOps)).text())?.[1]);
    const noWorkerWarnings = (): number =>
      (api as RunningProcess)
        .stdout()
        .split('\n')
        .filter((line) => line.includes('"level":40') && line.includes('timers: no worker')).length;

    const { store, policies, clock } = running;
    for (let i = 0; i < TICKETS; i += 1) await openTicket(store, policies, `no-worker-${i}`, clock.now());
    const deadlines = Date.parse(clock.now()) + 18_000;
    const silent = await health();
    expect(silent).toMatchObject({ httpStatus: 503, timers: { status: 'down', workers: 0 } });
    expect(silent.timers.reason).toMatch(/no worker has beaten its heartbeat for 30 s/);
    expect(await workersGauge()).toBe(0);
    await health();
    expect(noWorkerWarnings()).toBe(1);

    await running.startWorker('w1');
    await waitFor('/health 200 with one worker', async () => (await health()).httpStatus === 200, 20_000);
    expect(await workersGauge()).toBe(1);
    await waitFor(
      'a breach for every ticket',
      async () => countByTicket(await running.events('SlaBreached')).size === TICKETS,
      60_000,
    );
    expect(Date.parse(clock.now())).toBeGreaterThanOrEqual(deadlines);
    expect([...countByTicket(await running.events('SlaBreached')).values()]).toEqual(Array(TICKETS).fill(1));
    expect([...countByTicket(await running.events('SlaAtRisk')).values()]).toEqual(Array(TICKETS).fill(1));

    await running.kill('w1');
    // The heartbeat of a killed worker expires after its 30 s time to live.
    await waitFor(
      '/health 503 once the heartbeat has expired',
      async () => (await health()).httpStatus === 503,
      45_000,
    );
    expect((await health()).timers).toMatchObject({ status: 'down', workers: 0 });
    expect(await workersGauge()).toBe(0);
    // One warning per incident, not one per probe: the first outage, then this one.
    expect(noWorkerWarnings()).toBe(2);
  }, 180_000);
});
