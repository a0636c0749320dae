import { Module } from '@nestjs/common';
import { ProjectionsModule } from '@app/projections';
import { PoliciesModule } from '../policies/policies.module';
import { AuditController } from './audit.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { LiveController, LiveFeed } from './live.controller';
import { ProjectionsHealthController } from './projections-health.controller';
import { ReadController } from './read.controller';

/** The read side: read models and their queries, the live stream, the audit endpoints and the dashboard page. */
@Module({
  imports: [ProjectionsModule.forRoot(), PoliciesModule],
  controllers: [ReadController, AuditController, LiveController, ProjectionsHealthController, DashboardController],
  providers: [LiveFeed],
})
export class ReadModule {}
