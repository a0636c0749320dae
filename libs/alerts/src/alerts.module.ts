import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Clock } from '@app/clock';
import { type BullJobWorker, type RetryPolicy, warnOncePerRun } from '@app/scheduling';
import { AlertDispatcher, type AlertSink } from './alert';
import { LogAlertSink } from './log/log-alert-sink';
import {
  type ConfiguredWebhookTarget,
  startWebhookDeliveryWorker,
  WebhookAlertSink,
  type WebhookTarget,
} from './webhook/webhook-alert-sink';

export interface AlertsModuleOptions {
  readonly clock: Clock;
  /** Webhooks need Redis (deliveries are queued); without it alerts go to the log only. */
  readonly redisUrl?: string;
  /** Default `alert-deliveries`. */
  readonly queueName?: string;
  readonly webhooks?: readonly ConfiguredWebhookTarget[];
  /** The signing secret of the webhooks that have none of their own; required when one has none. */
  readonly webhookSecret?: string;
  /** Default {@link DEFAULT_WEBHOOK_RETRY}: 24 h of tries, 2 s apart at first, doubling up to 10 min. */
  readonly retry?: RetryPolicy;
  /** Deliver webhooks from this process (worker processes); default false. */
  readonly deliver?: boolean;
}

export interface AlertsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: readonly (string | symbol | (abstract new (...args: never[]) => unknown))[];
  readonly useFactory: (...args: never[]) => AlertsModuleOptions | Promise<AlertsModuleOptions>;
}

/** DI token of the {@link AlertSink} that publishes to every configured sink. */
export const ALERT_SINK = Symbol('AlertSink');

/** Webhooks were configured in a way that cannot work: said at start rather than discovered at the first breach. */
export class AlertsMisconfigured extends Error {
  readonly code = 'alerts-misconfigured';
  constructor(readonly problem: string) {
    super(problem);
  }
}

const OPTIONS = Symbol('AlertsModuleOptions');
const WEBHOOKS = Symbol('WebhookAlertSink');
const DELIVERY_WORKER = Symbol('WebhookDeliveryWorker');
const DEFAULT_QUEUE = 'alert-deliveries';

const hasWebhooks = (options: AlertsModuleOptions): boolean => (options.webhooks?.length ?? 0) > 0;

const secretOf = ({ webhooks = [], webhookSecret }: AlertsModuleOptions, target: WebhookTarget): string | undefined =>
  webhooks.find(({ role, url }) => role === target.role && url === target.url)?.secret ?? webhookSecret;

const isEverySigned = (options: AlertsModuleOptions): boolean =>
  (options.webhooks ?? []).every((target) => secretOf(options, target) !== undefined);

const openWebhooks = async (options: AlertsModuleOptions, logger: Logger): Promise<WebhookAlertSink | undefined> => {
  if (!hasWebhooks(options)) return undefined;
  if (options.redisUrl === undefined) throw new AlertsMisconfigured('alert webhooks need a Redis URL');
  if (!isEverySigned(options)) throw new AlertsMisconfigured('alert webhooks need a signing secret');
  return WebhookAlertSink.open({
    redisUrl: options.redisUrl,
    queueName: options.queueName ?? DEFAULT_QUEUE,
    targets: options.webhooks ?? [],
    onError: warnOncePerRun((message) => logger.warn(message), 'alert queue'),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
};

const startDelivery = async (options: AlertsModuleOptions, logger: Logger): Promise<BullJobWorker | undefined> => {
  if (!options.deliver || !hasWebhooks(options) || options.redisUrl === undefined || !isEverySigned(options)) {
    return undefined;
  }
  return startWebhookDeliveryWorker({
    redisUrl: options.redisUrl,
    queueName: options.queueName ?? DEFAULT_QUEUE,
    secretOf: (target) => secretOf(options, target),
    clock: options.clock,
    onError: warnOncePerRun((message) => logger.warn(message), 'alert delivery worker'),
    logger,
  });
};

/**
 * Provides {@link ALERT_SINK} (log and, when configured, signed webhooks), the {@link WebhookAlertSink} (its retrying
 * and parked deliveries) and, with `deliver`, a delivery worker.
 */
@Module({})
export class AlertsModule implements OnApplicationShutdown {
  constructor(
    @Inject(WEBHOOKS) private readonly webhooks: WebhookAlertSink | undefined,
    @Inject(DELIVERY_WORKER) private readonly worker: BullJobWorker | undefined,
  ) {}

  static forRootAsync(options: AlertsModuleAsyncOptions): DynamicModule {
    const logger = new Logger('Alerts');
    return {
      module: AlertsModule,
      imports: options.imports ?? [],
      providers: [
        { provide: OPTIONS, inject: [...(options.inject ?? [])], useFactory: options.useFactory },
        { provide: WEBHOOKS, inject: [OPTIONS], useFactory: (o: AlertsModuleOptions) => openWebhooks(o, logger) },
        { provide: WebhookAlertSink, inject: [WEBHOOKS], useFactory: (sink: WebhookAlertSink | undefined) => sink },
        {
          provide: DELIVERY_WORKER,
          inject: [OPTIONS],
          useFactory: (o: AlertsModuleOptions) => startDelivery(o, logger),
        },
        {
          provide: ALERT_SINK,
          inject: [WEBHOOKS],
          useFactory: (webhooks: WebhookAlertSink | undefined): AlertSink =>
            new AlertDispatcher([new LogAlertSink(logger), ...(webhooks ? [webhooks] : [])]),
        },
      ],
      exports: [ALERT_SINK, WebhookAlertSink],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.webhooks?.close();
  }
}
