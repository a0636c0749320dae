import { randomUUID } from 'node:crypto';
import {
  type Alert,
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
import type { BullJobWorker } from '@app/scheduling';
import { Receiver, type Received, REDIS_URL, requireRedis, uniqueQueueName, waitFor } from './support';

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

const header = (received: Received | undefined, name: string): string | undefined => {
  const value = received?.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
};

describe('Webhook alert delivery, on a real Redis and a real HTTP receiver', () => {
  let queueName: string;
  let sink: WebhookAlertSink;
  let worker: BullJobWorker;
  let receiver: Receiver;
  const throwError = (error: Error): never => {
    throw error;
  };

  const open = async (
    targets: readonly WebhookTarget[],
    attempts: number,
    secretOf: (target: WebhookTarget) => string = () => SECRET,
  ) => {
    sink = await WebhookAlertSink.open({
      redisUrl: REDIS_URL,
      queueName,
      targets,
      retry: { attempts, backoffMs: 20 },
      onError: throwError,
    });
    worker = await startWebhookDeliveryWorker({
      redisUrl: REDIS_URL,
      queueName,
      secretOf,
      clock,
      timeoutMs: 2_000,
      onError: throwError,
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
    await waitFor('a 200 answer', () => receiver.requests.some((r) => r.status === 200));
    await waitFor('the delivery to leave the queue', async () => (await sink.countPending()) === 0);

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
    expect(await sink.listFailedDeliveries()).toEqual([]);
  });

  it('parks a delivery to a receiver down for good in the visible failed set after the last try', async () => {
    receiver = await Receiver.start(() => 503);
    const target: WebhookTarget = { role: 'ops', url: receiver.url('/down') };
    await open([target], 3);
    const alert = anAlert();

    await sink.publish(alert);
    await waitFor('the delivery to fail for good', async () => (await sink.listFailedDeliveries()).length === 1);

    const [failed] = await sink.listFailedDeliveries();
    expect({ target: failed?.target, alert: failed?.alert, attempts: failed?.attempts }).toEqual({
      target,
      alert,
      attempts: 3,
    });
    expect(receiver.requests).toHaveLength(3);
  });

  it('does not retry a delivery the receiver refuses with a 4xx', async () => {
    receiver = await Receiver.start(() => 401);
    await open([{ role: 'ops', url: receiver.url('/ops') }], 5);

    await sink.publish(anAlert());
    await waitFor('the delivery to fail', async () => (await sink.listFailedDeliveries()).length === 1);

    expect((await sink.listFailedDeliveries())[0]?.attempts).toBe(1);
    expect(receiver.requests).toHaveLength(1);
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
    await waitFor('four deliveries', () => receiver.requests.length === 4);
    await waitFor('the queue to drain', async () => (await sink.countPending()) === 0);

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
    await waitFor('two deliveries', () => receiver.requests.length === 2);

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
