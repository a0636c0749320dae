import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { WebhookAlertSink } from '@app/alerts';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ALERT_DELIVERIES, openAlertDeliveries } from './alert-deliveries';
import { AlertDeliveriesController } from './alert-deliveries.controller';

/** The webhook deliveries as ops see them: the retrying and parked ones, and sending parked ones again. */
@Module({
  controllers: [AlertDeliveriesController],
  providers: [
    { provide: ALERT_DELIVERIES, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openAlertDeliveries(config) },
  ],
  exports: [ALERT_DELIVERIES],
})
export class AlertDeliveriesModule implements OnApplicationShutdown {
  constructor(@Inject(ALERT_DELIVERIES) private readonly deliveries: WebhookAlertSink | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    await this.deliveries?.close();
  }
}
