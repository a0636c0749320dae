import { eventually } from '@app/clock/test-support/eventually';
import { randomUUID } from 'node:crypto';
import {
  type Alert,
  DeliveryNotFound,
  DeliveryNotParked,
  IDEMPOTENCY_KEY_HEADER,
  SIGNATURE_HEADER,
  startWebhookDeliveryWorker,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
  webhookIdempotencyKey,
  WebhookAlertSink,
  type WebhookTarget,
} from '@app/alerts';
import { SystemClock } from '@app/clock';
import { type BullJobWorker, type RetryPolicy, retryPolicyWithin } from '@app/scheduling';
import { Receiver, type Received, REDIS_URL, requireRedis, uniqueQueueName } from './support';

const SECRET = 'test-secret-0123456789';
const clock = new SystemClock();

const anAlert = (kind: Alert['kind'] = 'breach', recipients: Alert['recipients'] = ['ops']): Alert => ({
  alertId: randomUUID(),
  kind,
  ticketId: randomUUID(),
  clockId: 'first-response',
  deadline: '2026-11-30T19:00:00.000Z',
  occurredAt: '2026-11-30T19:00:00.120Z',
  recipients,
});

/** The lines the delivery worker logs, by level. */
class RecordingLogger {
  readonly warnings: string[] = [];
  readonly lines: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
  log(message: string): void {
    this.lines.push(message);
  }
}

const header = (received: Received | undefined, name: string): string | undefined => {
  const value = received?.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
};

describe('Webhook alert delivery, on a real Redis and a real HTTP receiver', () => {
  let queueName: string;
  let sink: WebhookAlertSink;
  let worker: BullJobWorker;
  let receiver: Receiver;
  let logger: RecordingLogger;
  const throwError = (error: Error): never => {
    throw error;
  };

  const open = async (
    targets: readonly WebhookTarget[],
    retry: number | RetryPolicy,
    secretOf: (target: WebhookTarget) => string | undefined = () => SECRET,
  ) => {
    logger = new RecordingLogger();
    sink = await WebhookAlertSink.open({
      redisUrl: REDIS_URL,
      queueName,
      targets,
      retry: typeof retry === 'number' ? { attempts: retry, backoffMs: 20 } : retry,
      onError: throwError,
    });
    worker = await startWebhookDeliveryWorker({
      redisUrl: REDIS_URL,
      queueName,
      secretOf,
      clock,
      timeoutMs: 2_000,
      onError: throwError,
      logger,
    });
  };

  beforeEach(async () => {
    await requireRedis();
    queueName = uniqueQueueName();
  });

  afterEach(async () => {
    await worker.close();
    await sink.destroy();
    await sink.close();
    await receiver.close();
  });

  it('delivers once the receiver recovers from 500s, signed, with the alert id as idempotency key', async () => {
    receiver = await Receiver.start((_, index) => (index < 2 ? 500 : 200));
    await open([{ role: 'ops', url: receiver.url('/ops') }], 5);
    const alert = anAlert();

    await sink.publish(alert);
    await eventually(() => expect(receiver.requests.some((r) => r.status === 200)).toBe(true));
    await eventually(async () => expect(await sink.countPending()).toBe(0));

    expect(receiver.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    const delivered = receiver.requests[2];
    expect(JSON.parse(delivered?.body ?? '')).toEqual(alert);
    const target = { role: 'ops', url: receiver.url('/ops') } as const;
    expect(header(delivered, IDEMPOTENCY_KEY_HEADER)).toBe(webhookIdempotencyKey(alert.alertId, target));
    expect(header(delivered, 'content-type')).toBe('application/json');
    const verification = verifyWebhookSignature(
      SECRET,
      {
        body: delivered?.body ?? '',
        timestamp: header(delivered, TIMESTAMP_HEADER),
        signature: header(delivered, SIGNATURE_HEADER),
        idempotencyKey: header(delivered, IDEMPOTENCY_KEY_HEADER),
      },
      target,
      clock.now(),
    );
    expect(verification).toEqual({ isValid: true });
    expect(await sink.listDeliveries()).toEqual([]);
    expect(logger.warnings).toEqual([expect.stringContaining('failed')]);
    expect(logger.lines).toEqual([expect.stringContaining('delivered at try 3')]);
  });

  it('retries with waits doubling up to the cap until the horizon, then parks the delivery, saying so once', async () => {
    receiver = await Receiver.start(() => 503);
    const target: WebhookTarget = { role: 'ops', url: receiver.url('/down?token=a-token-of-the-receiver') };
    const retry = retryPolicyWithin({ horizonMs: 600, backoffMs: 20, maxBackoffMs: 80 });
    await open([target], retry);
    const alert = anAlert('at-risk', ['ops']);

    await sink.publish(alert);
    await eventually(async () => expect(await sink.listDeliveries({ state: 'parked' })).toHaveLength(1));

    const [parked] = await sink.listDeliveries();
    expect(parked).toEqual({
      deliveryId: webhookIdempotencyKey(alert.alertId, target),
      state: 'parked',
      alertId: alert.alertId,
      kind: 'at-risk',
      ticketId: alert.ticketId,
      externalRef: null,
      clockId: alert.clockId,
      target: { role: 'ops', url: receiver.url('/down?token=***') },
      attempts: retry.attempts,
      maxAttempts: retry.attempts,
      lastError: `${receiver.url('/down?token=***')} answered 503`,
      lastAttemptAt: expect.any(String),
      nextAttemptAt: null,
      parkedAt: expect.any(String),
    });
    expect(receiver.requests).toHaveLength(retry.attempts);
    expect(logger.warnings).toEqual([expect.stringContaining('failed'), expect.stringContaining('parked after')]);
    expect(logger.warnings.join('\n')).not.toContain('a-token-of-the-receiver');
  });

  it('carries the ticket’s reference in its helpdesk, in the body and in the list of deliveries', async () => {
    receiver = await Receiver.start(() => 503);
    await open([{ role: 'ops', url: receiver.url('/ops') }], 1);
    const alert = { ...anAlert(), externalRef: { source: 'zendesk', externalId: '35436' } };

    await sink.publish(alert);
    await eventually(async () => expect(await sink.listDeliveries({ state: 'parked' })).toHaveLength(1));

    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toEqual(alert);
    expect((await sink.listDeliveries())[0]).toMatchObject({
      ticketId: alert.ticketId,
      externalRef: alert.externalRef,
    });
  });

  it('lists a delivery waiting for its next try as retrying, with when that try is due', async () => {
    receiver = await Receiver.start(() => 500);
    await open([{ role: 'ops', url: receiver.url('/ops') }], { attempts: 3, backoffMs: 60_000, maxBackoffMs: 60_000 });
    const alert = anAlert();

    await sink.publish(alert);
    await eventually(async () => expect(await sink.listDeliveries({ state: 'retrying' })).toHaveLength(1));

    const [retrying] = await sink.listDeliveries({ kind: 'breach' });
    expect(retrying).toMatchObject({ state: 'retrying', alertId: alert.alertId, attempts: 1, maxAttempts: 3 });
    expect(Date.parse(retrying?.nextAttemptAt ?? '') - Date.parse(retrying?.lastAttemptAt ?? '')).toBe(60_000);
    expect(await sink.listDeliveries({ kind: 'at-risk' })).toEqual([]);
    expect(await sink.listDeliveries({ state: 'parked' })).toEqual([]);
    expect(await sink.countDeliveries()).toEqual({ retrying: 1, parked: 0 });
  });

  it('sends a parked delivery again with its whole retry policy and the same Idempotency-Key', async () => {
    let isDown = true;
    receiver = await Receiver.start(() => (isDown ? 503 : 200));
    const target: WebhookTarget = { role: 'ops', url: receiver.url('/ops') };
    await open([target], 2);
    const alert = anAlert();
    await sink.publish(alert);
    await eventually(async () => expect((await sink.countDeliveries()).parked).toBe(1));
    const deliveryId = webhookIdempotencyKey(alert.alertId, target);

    isDown = false;
    const redriven = await sink.redrive({ deliveryId });
    await eventually(() => expect(receiver.requests.some((r) => r.status === 200)).toBe(true));
    await eventually(async () => expect(await sink.countPending()).toBe(0));

    expect(redriven.map((delivery) => delivery.deliveryId)).toEqual([deliveryId]);
    expect(receiver.requests.map((r) => [r.status, header(r, IDEMPOTENCY_KEY_HEADER)])).toEqual([
      [503, deliveryId],
      [503, deliveryId],
      [200, deliveryId],
    ]);
    expect(await sink.listDeliveries()).toEqual([]);
    await expect(sink.redrive({ deliveryId })).rejects.toEqual(new DeliveryNotParked(deliveryId, 'delivered'));
    await expect(sink.redrive({ deliveryId: 'no-such-delivery' })).rejects.toBeInstanceOf(DeliveryNotFound);
    expect(await sink.redrive({ all: true })).toEqual([]);
  });

  it('parks a delivery to a target no longer configured instead of signing it without a secret', async () => {
    receiver = await Receiver.start(() => 200);
    await open([{ role: 'ops', url: receiver.url('/gone') }], 5, () => undefined);

    await sink.publish(anAlert());
    await eventually(async () => expect((await sink.countDeliveries()).parked).toBe(1));

    expect((await sink.listDeliveries())[0]).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('ALERT_WEBHOOKS'),
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it('does not retry a delivery the receiver refuses with a 4xx', async () => {
    receiver = await Receiver.start(() => 401);
    await open([{ role: 'ops', url: receiver.url('/ops') }], 5);

    await sink.publish(anAlert());
    await eventually(async () => expect((await sink.countDeliveries()).parked).toBe(1));

    expect((await sink.listDeliveries())[0]).toMatchObject({ state: 'parked', attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
    expect(logger.warnings).toEqual([expect.stringContaining('parked after 1 try')]);
  });

  it('sends each alert to every target of the roles its policy version names, once even when published twice', async () => {
    receiver = await Receiver.start(() => 204);
    await open(
      [
        { role: 'ops', url: receiver.url('/ops-1') },
        { role: 'ops', url: receiver.url('/ops-2') },
        { role: 'lead', url: receiver.url('/lead') },
        { role: 'manager', url: receiver.url('/manager') },
      ],
      3,
    );
    const breach = anAlert('breach', ['ops', 'lead']);
    const escalation = anAlert('escalation', ['manager']);
    const atRiskForAgents = anAlert('at-risk', ['agent']);

    await sink.publish(breach);
    await sink.publish(breach);
    await sink.publish(escalation);
    await sink.publish(atRiskForAgents);
    await eventually(() => expect(receiver.requests).toHaveLength(4));
    await eventually(async () => expect(await sink.countPending()).toBe(0));

    const byPath = receiver.requests.map((r) => `${r.path} ${header(r, IDEMPOTENCY_KEY_HEADER) ?? ''}`).sort();
    const keyAt = (alertId: string, role: 'ops' | 'lead' | 'manager', path: string): string =>
      `${path} ${webhookIdempotencyKey(alertId, { role, url: receiver.url(path) })}`;
    expect(byPath).toEqual(
      [
        keyAt(breach.alertId, 'lead', '/lead'),
        keyAt(escalation.alertId, 'manager', '/manager'),
        keyAt(breach.alertId, 'ops', '/ops-1'),
        keyAt(breach.alertId, 'ops', '/ops-2'),
      ].sort(),
    );
    expect(new Set(byPath.map((line) => line.split(' ')[1])).size).toBe(4);
  });

  it('signs each delivery for its own target with that target secret: a copy replayed to another target fails', async () => {
    receiver = await Receiver.start(() => 200);
    const ops: WebhookTarget = { role: 'ops', url: receiver.url('/ops') };
    const manager: WebhookTarget = { role: 'manager', url: receiver.url('/manager') };
    const secrets = new Map([
      [ops.url, 'ops-own-secret-0123456789'],
      [manager.url, 'manager-own-secret-0123456789'],
    ]);
    await open([ops, manager], 1, (target) => secrets.get(target.url) ?? '');
    await sink.publish(anAlert('breach', ['ops', 'manager']));
    await eventually(() => expect(receiver.requests).toHaveLength(2));

    const signedOf = (request: Received | undefined) => ({
      body: request?.body ?? '',
      timestamp: header(request, TIMESTAMP_HEADER),
      signature: header(request, SIGNATURE_HEADER),
      idempotencyKey: header(request, IDEMPOTENCY_KEY_HEADER),
    });
    const toOps = signedOf(receiver.requests.find((request) => request.path === '/ops'));
    const now = clock.now();
    expect(verifyWebhookSignature(secrets.get(ops.url) ?? '', toOps, ops, now)).toEqual({ isValid: true });
    expect(verifyWebhookSignature(secrets.get(manager.url) ?? '', toOps, manager, now)).toEqual({
      isValid: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhookSignature(SECRET, toOps, ops, now)).toEqual({ isValid: false, reason: 'bad-signature' });
  });
});
