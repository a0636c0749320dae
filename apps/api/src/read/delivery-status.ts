import type { AlertDelivery, WebhookAlertSink } from '@app/alerts';
import type { BreachLogItem } from '@app/projections';

/**
 * `live-only`: no webhook is configured, alerts go to the log (and dashboards see breaches on the live stream). `failed`: a delivery used up its
 * attempts or was refused, and is parked until ops send it again. `not-failed`: no parked delivery (delivered or
 * still being tried). `unknown`: the queue did not answer.
 */
export type DeliveryState = 'live-only' | 'failed' | 'not-failed' | 'unknown';

export interface DeliveryStatus {
  readonly state: DeliveryState;
  readonly failures: readonly { role: string; url: string; reason: string; attempts: number }[];
}

const failuresOf = (parked: readonly AlertDelivery[], alertId: string): DeliveryStatus['failures'] =>
  parked
    .filter((delivery) => delivery.alertId === alertId)
    .map((delivery) => ({
      role: delivery.target?.role ?? 'unknown',
      url: delivery.target?.url ?? 'unknown',
      reason: delivery.lastError,
      attempts: delivery.attempts,
    }));

/** Adds to each breach-log entry what became of its webhook deliveries. */
export const withDeliveryStatus = async (
  items: readonly BreachLogItem[],
  deliveries: WebhookAlertSink | undefined,
): Promise<(BreachLogItem & { delivery: DeliveryStatus })[]> => {
  if (!deliveries) return items.map((item) => ({ ...item, delivery: { state: 'live-only', failures: [] } }));
  let parked: AlertDelivery[];
  try {
    parked = await deliveries.listDeliveries({ state: 'parked' });
  } catch {
    // The breach log stays readable while Redis is away; the state says the outcome is not known.
    return items.map((item) => ({ ...item, delivery: { state: 'unknown', failures: [] } }));
  }
  return items.map((item) => {
    const failures = failuresOf(parked, item.alertId);
    return { ...item, delivery: { state: failures.length ? 'failed' : 'not-failed', failures } };
  });
};
