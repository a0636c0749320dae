import { eventually } from '@app/clock/test-support/eventually';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWebhookDeliveryWorker, WebhookAlertSink } from '@app/alerts';
import { FixedClock } from '@app/clock';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { Scenario } from '@app/projections/test-support/scenario';
import { supportDay } from '@app/projections/test-support/support-day';
import { ALERT_DELIVERY_QUEUE } from '@app/scheduling';
import { type Engine, startEngine } from '../api/support/engine';
import { requireRedis, TEST_REDIS_URL } from '../support/redis';

const SECRET = 'a-secret-of-sixteen-chars';

interface BreachEntry {
  readonly alertId: string;
  readonly kind: string;
  readonly delivery: { readonly state: string; readonly failures: readonly Record<string, unknown>[] };
}

describe('the breach log with webhook deliveries', () => {
  let engine: Engine | undefined;
  let receiver: Server;
  let receiverUrl: string;

  beforeAll(async () => {
    await requireRedis();
    receiver = createServer((_request, response) => response.writeHead(410).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await engine?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const breaches = async (): Promise<BreachEntry[]> => {
    const answer = await (engine as Engine).call('GET', '/breaches', { as: 'ops' });
    return (answer.json as unknown as { items: BreachEntry[] }).items;
  };
  it('says which alerts a receiver refused, and which have no failed delivery', async () => {
    engine = await startEngine({
      now: '2026-11-30T21:30:00.000Z',
      env: { REDIS_URL: TEST_REDIS_URL, ALERT_WEBHOOKS: `ops=${receiverUrl}`, ALERT_WEBHOOK_SECRET: SECRET },
    });
    await supportDay(new Scenario(engine.app.get<EventStore>(EVENT_STORE)));
    const logged = await eventually(
      async () => {
        const items = await breaches();
        expect(items).toHaveLength(2);
        return items;
      },
      15_000,
      50,
    );
    expect(logged.map((entry) => entry.delivery)).toEqual([
      { state: 'not-failed', failures: [] },
      { state: 'not-failed', failures: [] },
    ]);
    const breach = logged.find((entry) => entry.kind === 'breach') as BreachEntry;

    const sink = await WebhookAlertSink.open({
      redisUrl: TEST_REDIS_URL,
      queueName: ALERT_DELIVERY_QUEUE,
      targets: [{ role: 'ops', url: receiverUrl }],
      onError: () => undefined,
    });
    const worker = await startWebhookDeliveryWorker({
      redisUrl: TEST_REDIS_URL,
      queueName: ALERT_DELIVERY_QUEUE,
      secretOf: () => SECRET,
      clock: new FixedClock('2026-11-30T21:30:00.000Z'),
      onError: () => undefined,
      logger: { warn: () => undefined, log: () => undefined },
    });
    try {
      await sink.publish({
        alertId: breach.alertId,
        kind: 'breach',
        ticketId: 'acme-late',
        clockId: 'first-response',
        deadline: '2026-11-30T19:00:00.000Z',
        occurredAt: '2026-11-30T19:00:00.000Z',
        recipients: ['ops', 'lead'],
      });
      const refused = await eventually(
        async () => {
          const entry = (await breaches()).find(({ alertId }) => alertId === breach.alertId);
          expect(entry?.delivery.state).toBe('failed');
          return entry as BreachEntry;
        },
        15_000,
        50,
      );
      expect(refused.delivery.failures).toEqual([
        { role: 'ops', url: receiverUrl, reason: expect.stringContaining('410'), attempts: expect.any(Number) },
      ]);
      expect((await breaches()).find((entry) => entry.kind === 'escalation')?.delivery.state).toBe('not-failed');
    } finally {
      await worker.close();
      await sink.close();
    }
  });

  it('shows alerts as live only when no webhook is configured', async () => {
    await engine?.close();
    // Timers on Redis, with no worker to fire them: the day's breaches are the scenario's, as in the test above.
    engine = await startEngine({ now: '2026-11-30T21:30:00.000Z', env: { REDIS_URL: TEST_REDIS_URL } });
    await supportDay(new Scenario(engine.app.get<EventStore>(EVENT_STORE)));
    const logged = await eventually(
      async () => {
        const items = await breaches();
        expect(items).toHaveLength(2);
        return items;
      },
      15_000,
      50,
    );
    expect(logged.map((entry) => entry.delivery.state)).toEqual(['live-only', 'live-only']);
  });
});
