import { IDEMPOTENCY_KEY_HEADER, webhookIdempotencyKey, type WebhookTarget } from '@app/alerts';
import type { RecordedEvent } from '@app/event-store';
import { openTicket } from '@app/reactors/test-support/reactor.fixtures';
import { type RunningProcess, runApp } from '../support/process';
import { countByTicket, TimersEngine } from '../timers-e2e/engine';
import { waitFor } from '../timers/support';
import { Receiver } from '../timers/support';

const SECRET = 'a-webhook-secret-for-the-fault-tests';
const BEFORE = 70;
const DURING = 20;
/** 18 s to the deadline, at-risk at 50 % (9 s), escalation a minute after the breach. */
const TERMS = { allowanceMinutes: 0.3, atRiskPercent: 50, escalationDelayMinutes: 1 };
const OUTCOMES = ['SlaAtRisk', 'SlaBreached', 'SlaBreachEscalated'] as const;
const LOSS =
  /^Redis lost its data \(run_id \w+ is now \w+\): (\d+) timers were pending of (\d+) the open clocks imply; (\d+) restored$/;

interface LogLine {
  readonly level: number;
  readonly msg: string;
}

const linesOf = (process: RunningProcess): LogLine[] =>
  process
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

describe('timers after Redis loses its data, with the api and two workers running', () => {
  let engine: TimersEngine | undefined;
  let receiver: Receiver | undefined;
  let api: RunningProcess | undefined;

  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill('SIGTERM');
    await api?.exited;
    await engine?.close();
    await receiver?.close();
  });

  it('records every outcome once and delivers every alert, restoring the lost timers without a manual step', async () => {
    receiver = await Receiver.start(() => 200);
    const targets: WebhookTarget[] = [
      { role: 'ops', url: receiver.url('/ops') },
      { role: 'lead', url: receiver.url('/lead') },
      { role: 'manager', url: receiver.url('/manager') },
    ];
    engine = await TimersEngine.start([TERMS], {
      ALERT_WEBHOOKS: targets.map(({ role, url }) => `${role}=${url}`).join(','),
      ALERT_WEBHOOK_SECRET: SECRET,
      // Long enough that the run_id and the reconnection, not the periodic check, restore the timers.
      TIMER_RECONCILE_INTERVAL_MS: '600000',
    });
    const running = engine;
    api = runApp('api', { ...running.env('api'), PORT: '0', HOST: '127.0.0.1' });
    const workers = await Promise.all([running.startWorker('w1'), running.startWorker('w2')]);
    await api.waitForLine(/serving on/, 60_000);

    const { store, policies, clock } = running;
    for (let i = 0; i < BEFORE; i += 1) await openTicket(store, policies, `before-${i}`, clock.now());
    const firstDueAt = Date.parse(clock.now()) + 9_000;
    const pending = async (): Promise<number> => (await running.pendingTimers()).length;
    await waitFor(`${3 * BEFORE} pending timers`, async () => (await pending()) === 3 * BEFORE, 20_000);

    await running.redis.stop();
    for (let i = 0; i < DURING; i += 1) await openTicket(store, policies, `during-${i}`, clock.now());
    // Redis stays away until at-risk timers of the first tickets are due: they must fire on its return.
    await waitFor('the first at-risk instant', async () => Date.parse(clock.now()) > firstDueAt, 30_000);
    await running.redis.restart();
    const returnedAt = Date.parse(clock.now());

    const outcomes = async (): Promise<RecordedEvent[]> => running.events(...OUTCOMES);
    await waitFor(
      'an at-risk warning, a breach and an escalation for every ticket',
      async () => (await outcomes()).length >= 3 * (BEFORE + DURING),
      120_000,
    );
    const events = await outcomes();
    const ticketIds = [
      ...Array.from({ length: BEFORE }, (_, i) => `before-${i}`),
      ...Array.from({ length: DURING }, (_, i) => `during-${i}`),
    ];
    for (const type of OUTCOMES) {
      const counts = countByTicket(events.filter((event) => event.type === type));
      expect([type, ticketIds.filter((id) => counts.get(id) !== 1)]).toEqual([type, []]);
      expect([type, counts.size]).toEqual([type, ticketIds.length]);
    }
    const lastRecordedAt = Math.max(...events.map((event) => Date.parse(event.metadata.recordedAt)));
    expect(lastRecordedAt - returnedAt).toBeLessThanOrEqual(90_000);

    const expected = new Set<string>();
    for (const event of events) {
      const { recipients } = event.data as { recipients: string[] };
      for (const target of targets.filter(({ role }) => recipients.includes(role)))
        expected.add(webhookIdempotencyKey(event.id, target));
    }
    const delivered = (): string[] =>
      (receiver as Receiver).requests.map((request) => String(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]));
    await waitFor('every delivery', async () => new Set(delivered()).size >= expected.size, 60_000);
    const byKey = new Map<string, number>();
    for (const key of delivered()) byKey.set(key, (byKey.get(key) ?? 0) + 1);
    expect(new Set(byKey.keys())).toEqual(expected);
    expect([...byKey.values()].filter((count) => count !== 1)).toEqual([]);

    for (const worker of workers) {
      const lines = linesOf(worker);
      const losses = lines.flatMap(({ msg }) => {
        const [, pendingLeft, implied, restored] = (LOSS.exec(msg) ?? []).map(Number);
        return pendingLeft === undefined
          ? []
          : [{ isComplete: pendingLeft + (restored ?? 0) >= (implied ?? Infinity) }];
      });
      expect(losses).toEqual([{ isComplete: true }]);
      expect(lines.filter(({ level }) => level >= 50).map(({ msg }) => msg)).toEqual([]);
    }
    process.stdout.write(
      `faults redis-loss: ${JSON.stringify({ tickets: ticketIds.length, lastOutcomeAfterReturnMs: lastRecordedAt - returnedAt, deliveries: expected.size })}\n`,
    );
  }, 240_000);
});
