import { createHash } from 'node:crypto';
import type { Clock } from '@app/clock';
import { ALERT_ROLES, type AlertRole } from '@app/policy';
import {
  BullJobQueue,
  BullJobWorker,
  type ErrorListener,
  PermanentJobFailure,
  type QueueLocation,
  type RetryPolicy,
} from '@app/scheduling';
import { z } from 'zod';
import { type Alert, type AlertSink, alertSchema } from '../alert';
import {
  IDEMPOTENCY_KEY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  unixSeconds,
} from './webhook-signature';

/** One receiver of the alerts meant for a role; a role may have several. */
export interface WebhookTarget {
  readonly role: AlertRole;
  readonly url: string;
}

/** A target as configured: with its own signing secret, or none to use the shared one. */
export interface ConfiguredWebhookTarget extends WebhookTarget {
  readonly secret?: string;
}

/** Eight tries over about four minutes (2 s, 4 s, 8 s, …), then the failed set. */
export const DEFAULT_WEBHOOK_RETRY: RetryPolicy = { attempts: 8, backoffMs: 2_000 };

const deliverySchema = z.object({
  target: z.object({ role: z.enum(ALERT_ROLES), url: z.string().url() }),
  alert: alertSchema,
});

type Delivery = z.infer<typeof deliverySchema>;

/** The receiver answered with a status worth retrying (5xx, 408, 429). */
export class WebhookRejected extends Error {
  readonly code = 'webhook-rejected';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${url} answered ${status}`);
  }
}

/** The receiver refused the alert (another 4xx): retrying cannot help, the delivery goes to the failed set. */
export class WebhookRefused extends PermanentJobFailure {
  readonly code = 'webhook-refused';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${url} refused the alert with ${status}`);
  }
}

/** An alert id that would break delivery job ids (STYLE §4: no `:`). */
export class InvalidAlertId extends Error {
  readonly code = 'invalid-alert-id';
  constructor(readonly alertId: string) {
    super(`alert id must be non-empty and free of ':': ${JSON.stringify(alertId)}`);
  }
}

const isRetryable = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** The id of the delivery of an alert to a target, sent as its Idempotency-Key: one per alert and target. */
export const webhookIdempotencyKey = (alertId: string, target: WebhookTarget): string => {
  if (alertId.length === 0 || alertId.includes(':')) throw new InvalidAlertId(alertId);
  const urlHash = createHash('sha256').update(target.url).digest('hex').slice(0, 12);
  return `${alertId}__${target.role}__${urlHash}`;
};

/** Posts one alert to one target, signed for that target; resolves on a 2xx answer, throws otherwise. */
export const postAlert = async (
  target: WebhookTarget,
  alert: Alert,
  secret: string,
  clock: Clock,
  timeoutMs: number,
): Promise<void> => {
  const body = JSON.stringify(alert);
  const timestamp = unixSeconds(clock.now());
  const idempotencyKey = webhookIdempotencyKey(alert.alertId, target);
  const response = await fetch(target.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(secret, { timestamp, role: target.role, url: target.url, idempotencyKey, body }),
      [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (response.ok) return;
  throw isRetryable(response.status)
    ? new WebhookRejected(target.url, response.status)
    : new WebhookRefused(target.url, response.status);
};

export interface WebhookAlertSinkOptions extends QueueLocation {
  readonly targets: readonly WebhookTarget[];
  readonly retry?: RetryPolicy;
  readonly onError: ErrorListener;
}

/** A delivery that used up its attempts (or was refused), kept visible for ops. */
export interface FailedDelivery {
  readonly deliveryId: string;
  readonly target: WebhookTarget | undefined;
  readonly alert: Alert | undefined;
  readonly reason: string;
  readonly attempts: number;
  readonly failedAtMs: number | undefined;
}

/**
 * Queues one delivery per alert and webhook target of the roles the alert names as its recipients. The delivery id is deterministic, so
 * publishing the same alert twice queues it once (while the first is pending or recently done).
 */
export class WebhookAlertSink implements AlertSink {
  private constructor(
    private readonly queue: BullJobQueue<Delivery>,
    private readonly targets: readonly WebhookTarget[],
  ) {}

  static async open(options: WebhookAlertSinkOptions): Promise<WebhookAlertSink> {
    const queue = await BullJobQueue.open<Delivery>({ ...options, retry: options.retry ?? DEFAULT_WEBHOOK_RETRY });
    return new WebhookAlertSink(queue, options.targets);
  }

  async publish(alert: Alert): Promise<void> {
    const targets = this.targets.filter((target) => alert.recipients.includes(target.role));
    await this.queue.addMany(
      targets.map((target) => ({
        id: webhookIdempotencyKey(alert.alertId, target),
        name: alert.kind,
        data: { target: { role: target.role, url: target.url }, alert },
        delayMs: 0,
      })),
    );
  }

  async listFailedDeliveries(): Promise<FailedDelivery[]> {
    return (await this.queue.listFailed()).map((job) => {
      const parsed = deliverySchema.safeParse(job.data);
      return {
        deliveryId: job.id,
        target: parsed.success ? parsed.data.target : undefined,
        alert: parsed.success ? parsed.data.alert : undefined,
        reason: job.failedReason,
        attempts: job.attemptsMade,
        failedAtMs: job.failedAtMs,
      };
    });
  }

  async countPending(): Promise<number> {
    return this.queue.countPending();
  }

  async destroy(): Promise<void> {
    await this.queue.destroy();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface WebhookDeliveryWorkerOptions extends QueueLocation {
  /** The signing secret of a target: its own, or the shared one. */
  readonly secretOf: (target: WebhookTarget) => string;
  readonly clock: Clock;
  /** Per request; default 10 000. */
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly onError: ErrorListener;
}

/** Delivers queued alerts; a failed post is retried with the queue's exponential backoff. */
export const startWebhookDeliveryWorker = (options: WebhookDeliveryWorkerOptions): Promise<BullJobWorker> =>
  BullJobWorker.start({
    ...options,
    schema: deliverySchema,
    handle: ({ target, alert }) =>
      postAlert(target, alert, options.secretOf(target), options.clock, options.timeoutMs ?? 10_000),
  });
