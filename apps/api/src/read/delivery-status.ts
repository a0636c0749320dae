import { Logger } from '@nestjs/common';
import { type FailedDelivery, WebhookAlertSink } from '@app/alerts';
import type { AppConfig } from '@app/config';
import type { BreachLogItem } from '@app/projections';
import { ALERT_DELIVERY_QUEUE } from '@app/scheduling';

/** DI token of the webhook deliveries' queue, when webhooks are configured; `undefined` otherwise. */
export const ALERT_DELIVERIES = Symbol('AlertDeliveries');

/**
 * `live-only`: no webhook is configured, alerts go to the log and the live stream. `failed`: a delivery used up its
 * attempts or was refused, and waits in the failed set for ops. `not-failed`: no failed delivery (delivered or
 * still being tried). `unknown`: the queue did not answer.
 */
export type DeliveryState = 'live-only' | 'failed' | 'not-failed' | 'unknown';

export interface DeliveryStatus {
  readonly state: DeliveryState;
  readonly failures: readonly { role: string; url: string; reason: string; attempts: number }[];
}

export const openAlertDeliveries = async (config: AppConfig): Promise<WebhookAlertSink | undefined> => {
  if (!config.REDIS_URL || !config.ALERT_WEBHOOKS?.length) return undefined;
  const logger = new Logger('AlertDeliveries');
  return WebhookAlertSink.open({
    redisUrl: config.REDIS_URL,
    queueName: ALERT_DELIVERY_QUEUE,
    targets: config.ALERT_WEBHOOKS,
    onError: (error) => logger.error(`alert queue: ${error.message}`),
  });
};

const failuresOf = (failed: readonly FailedDelivery[], alertId: string): DeliveryStatus['failures'] =>
  failed
    .filter((delivery) => delivery.alert?.alertId === alertId)
    .map((delivery) => ({
      role: delivery.target?.role ?? 'unknown',
      url: delivery.target?.url ?? 'unknown',
      reason: delivery.reason,
      attempts: delivery.attempts,
    }));

/** Adds to each breach-log entry what became of its webhook deliveries. */
export const withDeliveryStatus = async (
  items: readonly BreachLogItem[],
  deliveries: WebhookAlertSink | undefined,
): Promise<(BreachLogItem & { delivery: DeliveryStatus })[]> => {
  if (!deliveries) return items.map((item) => ({ ...item, delivery: { state: 'live-only', failures: [] } }));
  let failed: FailedDelivery[];
  try {
    failed = await deliveries.listFailedDeliveries();
  } catch {
    // The breach log stays readable while Redis is away; the state says the outcome is not known.
    return items.map((item) => ({ ...item, delivery: { state: 'unknown', failures: [] } }));
  }
  return items.map((item) => {
    const failures = failuresOf(failed, item.alertId);
    return { ...item, delivery: { state: failures.length ? 'failed' : 'not-failed', failures } };
  });
};
