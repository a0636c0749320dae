import { Module } from '@nestjs/common';
import { LiveAlertStream } from '@app/alerts';
import { ReactorsService } from './reactors.service';

/**
 * The timers and reactors of the engine, wired by configuration (`REDIS_URL`: BullMQ; unset: in process). Needs the
 * application's `APP_CONFIG`, `EVENT_STORE` and `CLOCK`. Exports the live stream of alerts for dashboards.
 */
@Module({ providers: [ReactorsService, LiveAlertStream], exports: [LiveAlertStream, ReactorsService] })
export class ReactorsModule {}
