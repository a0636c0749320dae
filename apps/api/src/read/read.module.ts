import { Module } from '@nestjs/common';
import { ProjectionsModule } from '@app/projections';
import { AlertDeliveriesModule } from '../alerts/alert-deliveries.module';
import { PoliciesModule } from '../policies/policies.module';
import { AuditController } from './audit.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { LiveController, LiveFeed } from './live.controller';
import { ReadController } from './read.controller';
import { ReportsController } from './reports.controller';

/** The read side: read models and their queries, the live stream, the audit endpoints and the dashboard page. */
@Module({
  imports: [ProjectionsModule.forRoot(), PoliciesModule, AlertDeliveriesModule],
  exports: [ProjectionsModule],
  controllers: [ReadController, ReportsController, AuditController, LiveController, DashboardController],
  providers: [LiveFeed],
})
export class ReadModule {}
