import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@app/clock';
import { AppConfigModule, type AppConfig, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { EventStoreModule } from '@app/event-store';
import { RedisModule } from '@app/scheduling';
import { ReactorsModule } from './reactors/reactors.module';

/** The worker process of the production layout: timers, reactors and deliveries, without HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [
        AppConfigModule.forRoot(config),
        EventStoreModule.forRoot(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config)),
        ...(config.REDIS_URL ? [RedisModule.forRoot(config.REDIS_URL)] : []),
        ReactorsModule.forRoot(config),
      ],
      providers: [{ provide: CLOCK, useClass: SystemClock }],
      exports: [CLOCK],
    };
  }
}
