import { Module } from '@nestjs/common';
import { ReadModule } from '../read/read.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { ProjectionsHealthController } from './projections-health.controller';

/** Imports the read side for its projection runner and read models, whose lag and timer backlog `/health` reports. */
@Module({
  imports: [ReadModule],
  controllers: [HealthController, ProjectionsHealthController],
  providers: [HealthService],
})
export class HealthModule {}
