import { Module } from '@nestjs/common';
import { AlertDeliveriesModule } from '../alerts/alert-deliveries.module';
import { ReadModule } from '../read/read.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { ProjectionsHealthController } from './projections-health.controller';

/**
 * Imports the read side for its projection runner and read models, whose lag and timer backlog `/health` reports, and
 * the alert deliveries, whose retrying and parked counts `/metrics` gives.
 */
@Module({
  imports: [ReadModule, AlertDeliveriesModule],
  controllers: [HealthController, ProjectionsHealthController],
  providers: [HealthService],
})
export class HealthModule {}
