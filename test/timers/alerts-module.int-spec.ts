import { eventually } from '@app/clock/test-support/eventually';
import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  type Alert,
  ALERT_SINK,
  type AlertSink,
  AlertsMisconfigured,
  AlertsModule,
  WebhookAlertSink,
} from '@app/alerts';
import { SystemClock } from '@app/clock';
import type { AlertsModuleOptions } from '@app/alerts';
import { Receiver, REDIS_URL, requireRedis, uniqueQueueName } from './support';

const boot = async (options: Omit<AlertsModuleOptions, 'clock'>, logger: LoggerService | false = false) => {
  const moduleRef = await Test.createTestingModule({
    imports: [AlertsModule.forRootAsync({ useFactory: () => ({ clock: new SystemClock(), ...options }) })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  return app;
};

const anAlert = (): Alert => ({
  alertId: randomUUID(),
  kind: 'breach',
  ticketId: randomUUID(),
  clockId: 'first-response',
  deadline: '2026-11-30T19:00:00.000Z',
  occurredAt: '2026-11-30T19:00:00.120Z',
  recipients: ['ops', 'lead'],
});

describe('AlertsModule', () => {
  it('without webhooks, publishes to the log', async () => {
    const warnings: unknown[] = [];
    const ignore = () => undefined;
    const app = await boot({}, { log: ignore, error: ignore, warn: (message) => void warnings.push(message) });
    const alert = anAlert();

    await app.get<AlertSink>(ALERT_SINK).publish(alert);

    expect(warnings).toEqual([
      `SLA breach: ticket ${alert.ticketId} clock first-response deadline 2026-11-30T19:00:00.000Z (alert ${alert.alertId})`,
    ]);
    await app.close();
  });

  it('refuses webhooks without Redis', async () => {
    await expect(
      boot({ webhooks: [{ role: 'ops', url: 'http://127.0.0.1:9/ops' }], webhookSecret: 'x'.repeat(16) }),
    ).rejects.toBeInstanceOf(AlertsMisconfigured);
  });

  it('with webhooks and delivery, posts each alert to the targets and lists no failed delivery', async () => {
    await requireRedis();
    const receiver = await Receiver.start(() => 200);
    const queueName = uniqueQueueName();
    const app = await boot({
      redisUrl: REDIS_URL,
      queueName,
      webhooks: [{ role: 'ops', url: receiver.url('/ops') }],
      webhookSecret: 'test-secret-0123456789',
      deliver: true,
    });
    const alert = anAlert();

    await app.get<AlertSink>(ALERT_SINK).publish(alert);
    await eventually(() => expect(receiver.requests).toHaveLength(1));
    const webhooks = app.get(WebhookAlertSink);
    // the receiver has the request a moment before the worker marks the job complete
    const failed = await eventually(async () => {
      const listed = await webhooks.listDeliveries();
      expect(listed).toEqual([]);
      return listed;
    });
    await webhooks.destroy();
    await app.close();
    await receiver.close();

    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toEqual(alert);
    expect(failed).toEqual([]);
  });
});
