import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, type Clock } from '@app/clock';
import { AppConfigModule, type AppConfig } from '@app/config';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { CommandRunner } from '../commands/command-runner';
import { ExternalRefsService } from '../external-refs/external-refs.service';
import { PolicyBookService } from '../policies/policy-book.service';
import { IngestService } from './ingest.service';

/**
 * The ingest service without the HTTP API (its controllers and their guards), for importing history from the command line: the envelopes go through the
 * same {@link IngestService} as those posted to `/ingest`, on the store and clock given.
 */
@Module({})
export class HistoryImportModule {
  static forRoot(config: AppConfig, store: EventStore, clock: Clock): DynamicModule {
    return {
      module: HistoryImportModule,
      imports: [AppConfigModule.forRoot(config)],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: CLOCK, useValue: clock },
        CommandRunner,
        PolicyBookService,
        ExternalRefsService,
        IngestService,
      ],
    };
  }
}
