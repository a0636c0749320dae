import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore, LogProcessors } from '@app/event-store';
import { READ_MODELS } from '../read-models';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDb, type ReadModelDb } from '../runner/read-model-db';

/** DI token of the read-model SQLite file of this process. */
export const READ_MODEL_DB = Symbol('ReadModelDb');

/** Where this process keeps its read models: in memory when the log itself is, so that both start empty together. */
export const readModelsPathOf = (config: Pick<AppConfig, 'EVENT_STORE_URL' | 'READ_MODELS_PATH'>): string =>
  config.EVENT_STORE_URL === 'memory:' ? ':memory:' : config.READ_MODELS_PATH;

/** Opens the read models, follows the log from their checkpoints once the application has started. */
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  static forRoot(): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        {
          provide: READ_MODEL_DB,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => openReadModelDb(readModelsPathOf(config)),
        },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_MODEL_DB, CLOCK, { token: LogProcessors, optional: true }],
          useFactory: (store: EventStore, db: ReadModelDb, clock: Clock, processors?: LogProcessors) => {
            const runner = new ProjectionRunner(store, db, READ_MODELS, clock);
            processors?.add(runner);
            return runner;
          },
        },
      ],
      exports: [READ_MODEL_DB, ProjectionRunner],
    };
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.db.close();
  }
}
