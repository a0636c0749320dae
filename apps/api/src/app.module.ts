import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@app/clock';
import { AppConfigModule, type AppConfig, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { EventStoreModule } from '@app/event-store';
import { RedisModule } from '@app/scheduling';
import { ReactorsModule } from '../../worker/src/reactors/reactors.module';
import { ApiModule } from './api.module';
import { HealthModule } from './health/health.module';
import { ReadModule } from './read/read.module';

/** The whole engine in one process: HTTP API plus, in embedded mode, the workers. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        AppConfigModule.forRoot(config),
        EventStoreModule.forRoot(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config)),
        ...(config.REDIS_URL ? [RedisModule.forRoot(config.REDIS_URL)] : []),
        ...(config.REDIS_URL ? [] : [ReactorsModule.forRoot(config, ReadModule)]),
        HealthModule,
        ApiModule,
        ReadModule,
      ],
      providers: [{ provide: CLOCK, useClass: SystemClock }],
      exports: [CLOCK],
    };
  }
}
