import { type DynamicModule, Inject, Module, type ModuleMetadata, type OnApplicationShutdown } from '@nestjs/common';
import type { Upcaster } from '../codec/event-codec';
import type { EsdbEventStoreOptions } from '../esdb/esdb-event-store';
import { EVENT_STORE, type EventStore } from '../port/event-store.port';
import { LogProcessors } from '../processor/log-processors';
import { openEventStore } from './open-event-store';

export interface EventStoreModuleOptions {
  /** `sqlite:<path>`, `memory:` or `esdb://…`; see `openEventStore`. */
  readonly url: string;
  /** Every upcaster of the engine's events (`UPCASTERS` of `@app/domain`); see `openEventStore`. */
  readonly upcasters: readonly Upcaster[];
  readonly options?: EsdbEventStoreOptions;
}

export interface EventStoreModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: readonly (string | symbol | (abstract new (...args: never[]) => unknown))[];
  readonly useFactory: (...args: never[]) => EventStoreModuleOptions | Promise<EventStoreModuleOptions>;
}

/**
 * Provides {@link EVENT_STORE} everywhere, opened at start from a URL with the engine's upcasters, closed at shutdown.
 */
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(url: string, upcasters: readonly Upcaster[], options: EsdbEventStoreOptions = {}): DynamicModule {
    return EventStoreModule.forRootAsync({ useFactory: () => ({ url, upcasters, options }) });
  }

  static forRootAsync({ imports = [], inject = [], useFactory }: EventStoreModuleAsyncOptions): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports,
      providers: [
        LogProcessors,
        {
          provide: EVENT_STORE,
          inject: [...inject],
          useFactory: async (...args: never[]) => {
            const { url, upcasters, options } = await useFactory(...args);
            return openEventStore(url, upcasters, options);
          },
        },
      ],
      exports: [EVENT_STORE, LogProcessors],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
