import { eventually } from '@app/clock/test-support/eventually';
import type { RecordedEvent } from '@app/event-store';
import { verifyWebhookSignature, webhookIdempotencyKey } from '@app/alerts';
import { openTicket } from '@app/reactors/test-support/reactor.fixtures';
import { Receiver } from '../timers/support';
import { countByTicket, report, TimersEngine, POLL_MS, WEBHOOK_SECRET } from './engine';

const TICKETS = 300;
const ALERT_TYPES = ['SlaAtRisk', 'SlaBreached', 'SlaBreachEscalated'];
// The alert reactor does not send an at-risk warning it reaches after the deadline (POLICY §7): a warning window
// of several seconds keeps a loaded machine's reactor lag out of the count.
const TERMS = { allowanceMinutes: 0.15, atRiskPercent: 25, escalationDelayMinutes: 0 };

/** An at-risk warning recorded once its deadline had passed: no reactor sends it, however soon it reads it. */
const isRecordedTooLate = (alert: RecordedEvent): boolean =>
  alert.type === 'SlaAtRisk' &&
  Date.parse(alert.metadata.recordedAt) >= Date.parse((alert.data as { deadline: string }).deadline);

describe('SLA timers on three worker processes, one of them killed', () => {
  let engine: TimersEngine | undefined;
  let receiver: Receiver | undefined;

  afterEach(async () => {
    await engine?.close();
    await receiver?.close();
  });

  it('records every breach once and delivers every alert at least once, signed, with its idempotency key', async () => {
    receiver = await Receiver.start(() => 200);
    engine = await TimersEngine.start([TERMS], {
      ALERT_WEBHOOKS: ['ops', 'lead', 'manager'].map((role) => `${role}=${receiver!.url(`/${role}`)}`).join(','),
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    const { store, policies, clock } = engine;
    await Promise.all(['w1', 'w2', 'w3'].map((name) => engine!.startWorker(name)));

    const ticketIds = Array.from({ length: TICKETS }, (_, i) => `crash-${i}`);
    for (const [i, ticketId] of ticketIds.entries()) {
      const now = clock.now();
      await openTicket(store, policies, ticketId, now, new Date(Date.parse(now) - (i % 40) * 100).toISOString());
    }
    await eventually(
      async () => expect((await engine!.events('SlaBreached')).length).toBeGreaterThanOrEqual(TICKETS / 3),
      60_000,
      POLL_MS,
    );
    await engine.kill('w2');
    const breachesAtKill = (await engine.events('SlaBreached')).length;

    await eventually(
      async () => {
        expect((await engine!.events('SlaBreached')).length).toBeGreaterThanOrEqual(TICKETS);
        expect((await engine!.events('SlaBreachEscalated')).length).toBeGreaterThanOrEqual(TICKETS);
      },
      100_000,
      POLL_MS,
    );
    const alerts = await engine.events(...ALERT_TYPES);
    // Each alert goes to the webhook of every role the policy version names for its kind.
    const expected = alerts
      .filter((alert) => !isRecordedTooLate(alert))
      .flatMap((alert) =>
        (alert.data as { recipients: ('ops' | 'lead' | 'manager')[] }).recipients.map(
          (role) => `/${role} ${webhookIdempotencyKey(alert.id, { role, url: receiver!.url(`/${role}`) })}`,
        ),
      );
    const delivered = (): Set<string> =>
      new Set(receiver!.requests.map((request) => `${request.path} ${String(request.headers['idempotency-key'])}`));
    // deliveries the killed worker held come back once BullMQ finds them stalled, later on a loaded machine
    await eventually(() => expect(expected.filter((key) => !delivered().has(key))).toEqual([]), 200_000, POLL_MS);
    expect([...delivered()].sort()).toEqual([...new Set(expected)].sort());

    for (const type of ['SlaBreached', 'SlaBreachEscalated']) {
      const counts = countByTicket(await engine.events(type));
      expect({ type, tickets: counts.size, maxPerTicket: Math.max(...counts.values()) }).toEqual({
        type,
        tickets: TICKETS,
        maxPerTicket: 1,
      });
    }
    // POLICY §7 via the decider: an at-risk warning that comes due after the breach is recorded is not raised.
    const atRiskCounts = countByTicket(await engine.events('SlaAtRisk'));
    expect(Math.max(...atRiskCounts.values())).toBe(1);
    const now = clock.now();
    for (const request of receiver.requests) {
      const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
      const signed = {
        body: request.body,
        timestamp: request.headers['x-timestamp'] as string | undefined,
        signature: request.headers['x-signature'] as string | undefined,
        idempotencyKey,
      };
      const receiverOf = { role: request.path.slice(1), url: receiver!.url(request.path) };
      expect(verifyWebhookSignature(WEBHOOK_SECRET, signed, receiverOf, now)).toEqual({ isValid: true });
      expect(idempotencyKey?.startsWith(`${(JSON.parse(request.body) as { alertId: string }).alertId}__`)).toBe(true);
    }
    report('crash', {
      workers: 3,
      killedAfterBreaches: breachesAtKill,
      tickets: TICKETS,
      atRisk: atRiskCounts.size,
      atRiskRecordedTooLate: alerts.filter(isRecordedTooLate).length,
      alerts: alerts.length,
      deliveries: receiver.requests.length,
      distinctDeliveries: delivered().size,
      repeatedDeliveries: receiver.requests.length - delivered().size,
    });
  }, 360_000);
});
