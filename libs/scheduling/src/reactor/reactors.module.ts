import { type DynamicModule, Module } from '@nestjs/common';
import { AlertsModule } from '@app/alerts';
import { CLOCK, type Clock } from '@app/clock';
import type { AppConfig } from '@app/config';
import { ALERT_DELIVERY_QUEUE, alertRetryPolicy, ReactorsService } from './reactors.service';

/**
 * The timers and reactors of the engine, wired by configuration: with `REDIS_URL`, BullMQ timers and signed webhook
 * deliveries from this process; without it, timers in process and alerts to the log and the live stream. Needs the
 * application's `APP_CONFIG`, `EVENT_STORE` and `CLOCK`; exports the live stream of alerts for dashboards.
 */
@Module({})
export class ReactorsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ReactorsModule,
      imports: [
        AlertsModule.forRootAsync({
          inject: [CLOCK],
          useFactory: (clock: Clock) => ({
            clock,
            queueName: ALERT_DELIVERY_QUEUE,
            deliver: true,
            ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}),
            ...(config.ALERT_WEBHOOKS ? { webhooks: config.ALERT_WEBHOOKS } : {}),
            ...(config.ALERT_WEBHOOK_SECRET ? { webhookSecret: config.ALERT_WEBHOOK_SECRET } : {}),
            retry: alertRetryPolicy(config),
          }),
        }),
      ],
      providers: [ReactorsService],
      exports: [AlertsModule, ReactorsService],
    };
  }
}
