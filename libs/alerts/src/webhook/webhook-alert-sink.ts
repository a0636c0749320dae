import { createHash } from 'node:crypto';
import type { Clock, Instant } from '@app/clock';
import { ALERT_ROLES, type AlertRole } from '@app/policy';
import {
  BullJobQueue,
  BullJobWorker,
  type ErrorListener,
  type JobContext,
  PermanentJobFailure,
  type QueueLocation,
  type RetryHorizon,
  type RetryPolicy,
  retryPolicyWithin,
} from '@app/scheduling';
import { z } from 'zod';
import { type Alert, type AlertKind, type AlertSink, alertSchema } from '../alert';
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

/** Retried for 24 h, waiting 2 s, 4 s, 8 s, … and at most 10 min between tries, then parked. */
export const DEFAULT_WEBHOOK_RETRY_HORIZON: RetryHorizon = {
  horizonMs: 86_400_000,
  backoffMs: 2_000,
  maxBackoffMs: 600_000,
};

/** The tries of {@link DEFAULT_WEBHOOK_RETRY_HORIZON}: 152. */
export const DEFAULT_WEBHOOK_RETRY: RetryPolicy = retryPolicyWithin(DEFAULT_WEBHOOK_RETRY_HORIZON);

const deliverySchema = z.object({
  target: z.object({ role: z.enum(ALERT_ROLES), url: z.string().url() }),
  alert: alertSchema,
});

type Delivery = z.infer<typeof deliverySchema>;

/** A target's URL as it may be shown (a log line, the list of deliveries): no password, no value of its query. */
export const shownUrl = (url: string): string => {
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  for (const name of new Set(shown.searchParams.keys())) shown.searchParams.set(name, '***');
  return shown.toString();
};

/** The receiver answered with a status worth retrying (5xx, 408, 429). */
export class WebhookRejected extends Error {
  readonly code = 'webhook-rejected';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${shownUrl(url)} answered ${status}`);
  }
}

/** No answer: the receiver is down, unreachable or slower than the timeout. Retried. */
export class WebhookUnreachable extends Error {
  readonly code = 'webhook-unreachable';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${shownUrl(url)} did not answer: ${reason}`);
  }
}

/** The receiver refused the alert (another 4xx): retrying cannot help, the delivery is parked. */
export class WebhookRefused extends PermanentJobFailure {
  readonly code = 'webhook-refused';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${shownUrl(url)} refused the alert with ${status}`);
  }
}

/** A queued delivery to a target that is no longer configured: there is no secret to sign it with. */
export class WebhookTargetUnknown extends PermanentJobFailure {
  readonly code = 'webhook-target-unknown';
  constructor(
    readonly role: string,
    readonly url: string,
  ) {
    super(`${role} ${shownUrl(url)} is not a configured webhook (ALERT_WEBHOOKS)`);
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

/** `fetch` says only "fetch failed"; what happened (refused, reset, DNS) is in its cause. */
const reasonOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
};

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
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(secret, {
          timestamp,
          role: target.role,
          url: target.url,
          idempotencyKey,
          body,
        }),
        [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new WebhookUnreachable(target.url, reasonOf(error));
  }
  await response.body?.cancel();
  if (response.ok) return;
  throw isRetryable(response.status)
    ? new WebhookRejected(target.url, response.status)
    : new WebhookRefused(target.url, response.status);
};

export interface WebhookAlertSinkOptions extends QueueLocation {
  readonly targets: readonly WebhookTarget[];
  /** Default {@link DEFAULT_WEBHOOK_RETRY}. */
  readonly retry?: RetryPolicy;
  readonly onError: ErrorListener;
}

export const DELIVERY_STATES = ['retrying', 'parked'] as const;

/** `retrying`: failed at least once, tried again with backoff. `parked`: out of tries or refused, until re-sent. */
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A delivery of one alert to one target that failed at least once. */
export interface AlertDelivery {
  /** Also the Idempotency-Key of every try. */
  readonly deliveryId: string;
  readonly state: DeliveryState;
  readonly alertId: string | null;
  readonly kind: AlertKind | null;
  readonly ticketId: string | null;
  /** The ticket's id in the helpdesk it was opened from, if it was. */
  readonly externalRef: NonNullable<Alert['externalRef']> | null;
  readonly clockId: string | null;
  /** Its URL as {@link shownUrl} shows it. */
  readonly target: WebhookTarget | null;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lastError: string;
  readonly lastAttemptAt: Instant | null;
  /** While retrying, the next try at the earliest (in the past when it is due or under way); `null` once parked. */
  readonly nextAttemptAt: Instant | null;
  readonly parkedAt: Instant | null;
  /** Why this row has no alert or target: the queued job does not hold a delivery. */
  readonly problem?: string;
}

export interface DeliveryFilter {
  readonly state?: DeliveryState | undefined;
  readonly kind?: AlertKind | undefined;
}

/** Which parked deliveries to send again: one, those of one alert, those of a kind of alert, or all of them. */
export type RedriveSelector =
  | { readonly deliveryId: string }
  | { readonly alertId: string }
  | { readonly kind: AlertKind }
  | { readonly all: true };

export class DeliveryNotFound extends Error {
  readonly code = 'delivery-not-found';
  readonly kind = 'not-found';
  constructor(readonly deliveryId: string) {
    super(`no alert delivery ${deliveryId}`);
  }
}

export class NoParkedDelivery extends Error {
  readonly code = 'no-parked-delivery';
  readonly kind = 'not-found';
  constructor(readonly alertId: string) {
    super(`alert ${alertId} has no parked delivery`);
  }
}

/** Only a parked delivery is sent again: a pending one is still being tried, a delivered one arrived. */
export class DeliveryNotParked extends Error {
  readonly code = 'delivery-not-parked';
  readonly kind = 'conflict';
  constructor(
    readonly deliveryId: string,
    readonly state: 'pending' | 'delivered',
  ) {
    super(`alert delivery ${deliveryId} is not parked but ${state}`);
  }
}

const instantOf = (epochMs: number | undefined): Instant | null =>
  epochMs === undefined ? null : new Date(epochMs).toISOString();

type DeliveryFacts = Pick<
  AlertDelivery,
  'alertId' | 'kind' | 'ticketId' | 'externalRef' | 'clockId' | 'target' | 'problem'
>;

/** What a row can say of the job's data; a malformed job still gets its row, with the problem. */
const factsOf = (data: unknown): DeliveryFacts => {
  const parsed = deliverySchema.safeParse(data);
  if (!parsed.success) {
    const nothing = { alertId: null, kind: null, ticketId: null, externalRef: null, clockId: null, target: null };
    return { ...nothing, problem: `the queued job is not a delivery: ${parsed.error.message}` };
  }
  const { alert, target } = parsed.data;
  return {
    alertId: alert.alertId,
    kind: alert.kind,
    ticketId: alert.ticketId,
    externalRef: alert.externalRef ?? null,
    clockId: alert.clockId,
    target: { role: target.role, url: shownUrl(target.url) },
  };
};

/** Parked, newest first, then retrying, the next due first. */
const byUrgency = (a: AlertDelivery, b: AlertDelivery): number =>
  a.state !== b.state
    ? a.state === 'parked'
      ? -1
      : 1
    : a.state === 'parked'
      ? (b.parkedAt ?? '').localeCompare(a.parkedAt ?? '')
      : (a.nextAttemptAt ?? '').localeCompare(b.nextAttemptAt ?? '');

const isSelected = (selector: RedriveSelector, delivery: AlertDelivery): boolean =>
  'deliveryId' in selector
    ? delivery.deliveryId === selector.deliveryId
    : 'alertId' in selector
      ? delivery.alertId === selector.alertId
      : 'kind' in selector
        ? delivery.kind === selector.kind
        : true;

/**
 * Queues one delivery per alert and webhook target of the roles the alert names as its recipients. The delivery id is deterministic, so
 * publishing the same alert twice queues it once (while the first is pending, parked or recently done).
 */
export class WebhookAlertSink implements AlertSink {
  private constructor(
    private readonly queue: BullJobQueue<Delivery>,
    private readonly targets: readonly WebhookTarget[],
  ) {}

  static async open(options: WebhookAlertSinkOptions): Promise<WebhookAlertSink> {
    const queue = await BullJobQueue.open<Delivery>({
      ...options,
      retry: options.retry ?? DEFAULT_WEBHOOK_RETRY,
      // A parked delivery stays until it is sent again: alerts are not lost to time.
      keepFailedSeconds: Infinity,
    });
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

  /** The deliveries that failed at least once: parked (newest first), then retrying (the next due first). */
  async listDeliveries(filter: DeliveryFilter = {}): Promise<AlertDelivery[]> {
    const [parked, retrying] = await Promise.all([
      filter.state === 'retrying' ? [] : this.listParked(),
      filter.state === 'parked' ? [] : this.listRetrying(),
    ]);
    return [...parked, ...retrying]
      .filter((delivery) => filter.kind === undefined || delivery.kind === filter.kind)
      .sort(byUrgency);
  }

  async countDeliveries(): Promise<Readonly<Record<DeliveryState, number>>> {
    const [retrying, parked] = await Promise.all([this.queue.listRetrying(), this.queue.countFailed()]);
    return { retrying: retrying.length, parked };
  }

  /**
   * Sends parked deliveries again, each with its whole retry policy, the same Idempotency-Key and a fresh signature;
   * answers those it sent back to the queue.
   */
  async redrive(selector: RedriveSelector): Promise<AlertDelivery[]> {
    const chosen = (await this.listParked()).filter((delivery) => isSelected(selector, delivery));
    if (chosen.length === 0 && 'deliveryId' in selector) throw await this.notParked(selector.deliveryId);
    if (chosen.length === 0 && 'alertId' in selector) throw new NoParkedDelivery(selector.alertId);
    const redriven: AlertDelivery[] = [];
    for (const delivery of chosen) {
      if ((await this.queue.retryFailed(delivery.deliveryId)) === 'retried') redriven.push(delivery);
    }
    return redriven;
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

  private async listParked(): Promise<AlertDelivery[]> {
    return (await this.queue.listFailed()).map((job) => ({
      deliveryId: job.id,
      state: 'parked',
      ...factsOf(job.data),
      attempts: job.attemptsMade,
      maxAttempts: job.maxAttempts,
      lastError: job.failedReason,
      lastAttemptAt: instantOf(job.lastAttemptAtMs),
      nextAttemptAt: null,
      parkedAt: instantOf(job.failedAtMs),
    }));
  }

  private async listRetrying(): Promise<AlertDelivery[]> {
    return (await this.queue.listRetrying()).map((job) => ({
      deliveryId: job.id,
      state: 'retrying',
      ...factsOf(job.data),
      attempts: job.attemptsMade,
      maxAttempts: job.maxAttempts,
      lastError: job.lastError,
      lastAttemptAt: instantOf(job.lastAttemptAtMs),
      nextAttemptAt: instantOf(job.nextAttemptAtMs),
      parkedAt: null,
    }));
  }

  private async notParked(deliveryId: string): Promise<Error> {
    const state = await this.queue.stateOf(deliveryId);
    if (state === 'unknown') return new DeliveryNotFound(deliveryId);
    return new DeliveryNotParked(deliveryId, state === 'completed' ? 'delivered' : 'pending');
  }
}

/** Nest's `Logger` will do. */
export interface DeliveryLogger {
  warn(message: string): void;
  log(message: string): void;
}

export interface WebhookDeliveryWorkerOptions extends QueueLocation {
  /** The signing secret of a target: its own, or the shared one; `undefined` for a target no longer configured. */
  readonly secretOf: (target: WebhookTarget) => string | undefined;
  readonly clock: Clock;
  /** Per request; default 10 000. */
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  readonly onError: ErrorListener;
  /** One warning at the first failure of a delivery and one when it parks, one line when it recovers; none a try. */
  readonly logger: DeliveryLogger;
}

const describeDelivery = ({ target, alert }: Delivery, deliveryId: string): string =>
  `alert delivery ${deliveryId} (${alert.kind} of ticket ${alert.ticketId} to ${target.role} ${shownUrl(target.url)})`;

const reportFailure = (logger: DeliveryLogger, delivery: Delivery, context: JobContext, error: unknown): void => {
  const { id, attempt, maxAttempts } = context;
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof PermanentJobFailure || attempt >= maxAttempts) {
    logger.warn(
      `${describeDelivery(delivery, id)} parked after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: ${reason}. ` +
        `Once the receiver is fixed, send it again: POST /alerts/deliveries/redrive {"deliveryId":"${id}"} ` +
        `or cli redrive-alerts --delivery ${id}`,
    );
  } else if (attempt === 1) {
    logger.warn(
      `${describeDelivery(delivery, id)} failed: ${reason}; retrying with backoff, up to ${maxAttempts} tries`,
    );
  }
};

/** Delivers queued alerts; a failed post is retried with the queue's backoff. */
export const startWebhookDeliveryWorker = (options: WebhookDeliveryWorkerOptions): Promise<BullJobWorker> =>
  BullJobWorker.start({
    ...options,
    schema: deliverySchema,
    handle: async (delivery, context) => {
      const { target, alert } = delivery;
      try {
        const secret = options.secretOf(target);
        if (secret === undefined) throw new WebhookTargetUnknown(target.role, target.url);
        await postAlert(target, alert, secret, options.clock, options.timeoutMs ?? 10_000);
      } catch (error) {
        reportFailure(options.logger, delivery, context, error);
        throw error;
      }
      if (context.attempt > 1) {
        options.logger.log(`${describeDelivery(delivery, context.id)} delivered at try ${context.attempt}`);
      }
    },
  });
