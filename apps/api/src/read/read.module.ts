import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { WebhookAlertSink } from '@app/alerts';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ProjectionsModule } from '@app/projections';
import { PoliciesModule } from '../policies/policies.module';
import { AuditController } from './audit.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { ALERT_DELIVERIES, openAlertDeliveries } from './delivery-status';
import { LiveController, LiveFeed } from './live.controller';
import { ReadController } from './read.controller';
import { ReportsController } from './reports.controller';

/** The read side: read models and their queries, the live stream, the audit endpoints and the dashboard page. */
@Module({
  imports: [ProjectionsModule.forRoot(), PoliciesModule],
  exports: [ProjectionsModule],
  controllers: [ReadController, ReportsController, AuditController, LiveController, DashboardController],
  providers: [
    LiveFeed,
    { provide: ALERT_DELIVERIES, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openAlertDeliveries(config) },
  ],
})
export class ReadModule implements OnApplicationShutdown {
  constructor(@Inject(ALERT_DELIVERIES) private readonly deliveries: WebhookAlertSink | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    await this.deliveries?.close();
  }
}
