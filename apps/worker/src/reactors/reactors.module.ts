import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { AlertsModule } from '@app/alerts';
import { CLOCK, type Clock } from '@app/clock';
import type { AppConfig } from '@app/config';
import { ALERT_DELIVERY_QUEUE, alertRetryPolicy } from '@app/scheduling';
import { ReactorsService } from './reactors.service';

/**
 * The timers and reactors of the engine, wired by configuration: with `REDIS_URL`, BullMQ timers and signed webhook
 * deliveries from this process; without it, timers in process and alerts to the log and the live stream. Needs the
 * application's `APP_CONFIG`, `EVENT_STORE` and `CLOCK`. `readModels`, a module exporting the process's read models
 * (its `ProjectionRunner` and `READ_MODEL_DB`), lends them their open clocks; without it they keep their own.
 */
@Module({})
export class ReactorsModule {
  static forRoot(config: AppConfig, readModels?: Type): DynamicModule {
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
        ...(readModels ? [readModels] : []),
      ],
      providers: [ReactorsService],
      exports: [AlertsModule, ReactorsService],
    };
  }
}
