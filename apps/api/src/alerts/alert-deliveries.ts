import { Logger } from '@nestjs/common';
import { WebhookAlertSink } from '@app/alerts';
import type { AppConfig } from '@app/config';
import { ALERT_DELIVERY_QUEUE, alertRetryPolicy } from '@app/scheduling';

/** DI token of the webhook deliveries' queue, when webhooks are configured; `undefined` otherwise. */
export const ALERT_DELIVERIES = Symbol('AlertDeliveries');

export const openAlertDeliveries = async (config: AppConfig): Promise<WebhookAlertSink | undefined> => {
  if (!config.REDIS_URL || !config.ALERT_WEBHOOKS?.length) return undefined;
  const logger = new Logger('AlertDeliveries');
  return WebhookAlertSink.open({
    redisUrl: config.REDIS_URL,
    queueName: ALERT_DELIVERY_QUEUE,
    targets: config.ALERT_WEBHOOKS,
    retry: alertRetryPolicy(config),
    onError: (error) => logger.error(`alert queue: ${error.message}`),
  });
};
