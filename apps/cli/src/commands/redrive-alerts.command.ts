import { parseArgs } from 'node:util';
import {
  ALERT_KINDS,
  type AlertKind,
  DeliveryNotFound,
  DeliveryNotParked,
  NoParkedDelivery,
  type RedriveSelector,
  WebhookAlertSink,
} from '@app/alerts';
import { configOrExit } from '@app/config';
import { ALERT_DELIVERY_QUEUE, alertRetryPolicy } from '@app/scheduling';
import { type CliCommand, USAGE_ERROR } from '../command';

const isAlertKind = (value: string): value is AlertKind => (ALERT_KINDS as readonly string[]).includes(value);

/** Exactly one of the four ways to choose; anything else is a usage error. */
const parse = (args: readonly string[]): RedriveSelector | undefined => {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        delivery: { type: 'string' },
        alert: { type: 'string' },
        kind: { type: 'string' },
        all: { type: 'boolean' },
      },
    });
    const chosen: RedriveSelector[] = [
      ...(values.delivery ? [{ deliveryId: values.delivery }] : []),
      ...(values.alert ? [{ alertId: values.alert }] : []),
      ...(values.kind !== undefined && isAlertKind(values.kind) ? [{ kind: values.kind }] : []),
      ...(values.all ? [{ all: true } as const] : []),
    ];
    const given = [values.delivery, values.alert, values.kind, values.all].filter((value) => value !== undefined);
    return chosen.length === 1 && given.length === 1 ? chosen[0] : undefined;
  } catch {
    return undefined;
  }
};

/**
 * `cli redrive-alerts --delivery <id> | --alert <id> | --kind <kind> | --all`: sends parked webhook deliveries
 * again, as `POST /alerts/deliveries/redrive` does, straight on the Redis of the queue; prints them as JSON.
 */
export const redriveAlertsCommand: CliCommand = {
  summary: 'send parked webhook deliveries again (one, those of an alert or a kind, or all); print them as JSON',
  usage: 'cli redrive-alerts --delivery <id> | --alert <id> | --kind <kind> | --all',
  options: [
    ['--delivery <id>', 'one delivery, by its id (its Idempotency-Key)'],
    ['--alert <id>', 'every parked delivery of one alert'],
    ['--kind <kind>', `every parked delivery of a kind of alert: ${ALERT_KINDS.join(', ')}`],
    ['--all', 'every parked delivery'],
  ],
  run: async (args) => {
    const selector = parse(args);
    if (!selector) {
      process.stderr.write(`usage: ${redriveAlertsCommand.usage}\n`);
      return USAGE_ERROR;
    }
    const config = configOrExit();
    if (!config.REDIS_URL) {
      process.stderr.write('REDIS_URL is unset: webhook deliveries are queued on Redis, so none can be parked.\n');
      return USAGE_ERROR;
    }
    const deliveries = await WebhookAlertSink.open({
      redisUrl: config.REDIS_URL,
      queueName: ALERT_DELIVERY_QUEUE,
      targets: config.ALERT_WEBHOOKS ?? [],
      retry: alertRetryPolicy(config),
      onError: (error) => process.stderr.write(`Redis: ${error.message}\n`),
    });
    try {
      const redriven = await deliveries.redrive(selector);
      process.stdout.write(`${JSON.stringify({ redriven })}\n`);
      return 0;
    } catch (error) {
      if (!(
        error instanceof DeliveryNotFound ||
        error instanceof NoParkedDelivery ||
        error instanceof DeliveryNotParked
      )) {
        throw error;
      }
      process.stderr.write(`${error.message}\n`);
      return 1;
    } finally {
      await deliveries.close();
    }
  },
};
