import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@app/clock';
import { AppConfigModule, type AppConfig } from '@app/config';
import { RedisModule } from '@app/scheduling';

/** The worker process of the production layout: timers, reactors and deliveries, without HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      global: true,
      imports: [AppConfigModule.forRoot(config), ...(config.REDIS_URL ? [RedisModule.forRoot(config.REDIS_URL)] : [])],
      providers: [{ provide: CLOCK, useClass: SystemClock }],
      exports: [CLOCK],
    };
  }
}
