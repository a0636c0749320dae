import { Module } from '@nestjs/common';
import { ReadModule } from '../read/read.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** Imports the read side for its projection runner, whose lag `/health` reports. */
@Module({ imports: [ReadModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
