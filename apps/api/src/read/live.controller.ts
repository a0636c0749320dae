import { type BeforeApplicationShutdown, Controller, Inject, Injectable, type MessageEvent, Sse } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { concatMap, EMPTY, interval, map, merge, type Observable, of, ReplaySubject, share, takeUntil } from 'rxjs';
import { CLOCK, type Clock } from '@app/clock';
import { TICKET_EVENT_TYPES } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { ProjectionRunner, READ_MODEL_DB, ReadModelQueries, type ReadModelDb } from '@app/projections';
import { Allow } from '../auth/allow.decorator';
import { READERS } from '../auth/roles';
import { PolicyBookService } from '../policies/policy-book.service';

const HEARTBEAT_MS = 20_000;
const TICKET_TYPES = new Set<string>(TICKET_EVENT_TYPES);
const ALERT_KINDS: Readonly<Record<string, 'breach' | 'escalation'>> = {
  SlaBreached: 'breach',
  SlaBreachEscalated: 'escalation',
};

/**
 * What dashboards hear, once the read models have applied it: `queue` (a ticket's queue entry, `null` once it
 * left the queue), `breach` and `escalation` (their breach-log entry). Shared by every listener.
 */
@Injectable()
export class LiveFeed implements BeforeApplicationShutdown {
  private readonly messages: Observable<MessageEvent>;
  /** Replayed, so that a listener who connects while the api shuts down is ended too. */
  private readonly closing = new ReplaySubject<void>(1);

  constructor(
    runner: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly policies: PolicyBookService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.messages = runner.applied.pipe(
      concatMap((event) => (TICKET_TYPES.has(event.type) ? this.messagesOf(event) : EMPTY)),
      concatMap((messages) => messages),
      share(),
    );
  }

  /** A listener's stream: a first `ping`, then the messages and a `ping` every 20 s, until the api shuts down. */
  listen(): Observable<MessageEvent> {
    return merge(
      of<MessageEvent>({ type: 'ping', data: {} }),
      this.messages,
      interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} }))),
    ).pipe(takeUntil(this.closing));
  }

  /**
   * The HTTP server closes once its connections end, and a listener's never ends by itself. Ended, the responses
   * finish on the next turn of the event loop; the server, closed after that, finds their connections idle and ends
   * them too, rather than waiting for the clients' keep-alive to time out.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing.next();
    this.closing.complete();
    await new Promise(setImmediate);
  }

  private async messagesOf(event: RecordedEvent): Promise<MessageEvent[]> {
    const ticketId = (event.data as { ticketId: string }).ticketId;
    const queries = new ReadModelQueries(this.db, await this.policies.current());
    const messages: MessageEvent[] = [
      {
        type: 'queue',
        id: String(event.position),
        data: { ticketId, item: queries.queueEntry(ticketId, this.clock.now()) ?? null },
      },
    ];
    const kind = ALERT_KINDS[event.type];
    if (kind) {
      const entry = queries
        .breachLog({ ticketId, kind }, { limit: 500, offset: 0 })
        .items.find((item) => item.alertId === event.id);
      if (entry) messages.push({ type: kind, id: String(event.position), data: entry });
    }
    return messages;
  }
}

@ApiTags('read models')
@Controller()
export class LiveController {
  constructor(private readonly feed: LiveFeed) {}

  @Sse('live')
  @Allow(...READERS)
  @ApiOkResponse({ description: 'Server-Sent Events: `queue`, `breach`, `escalation`, and a `ping` every 20 s.' })
  live(): Observable<MessageEvent> {
    return this.feed.listen();
  }
}
