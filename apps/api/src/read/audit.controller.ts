import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ticketStream } from '@app/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@app/event-store';
import { type DeadlineExplanation, type HistoryEntry, historyEntry, replayTicket } from '@app/projections';
import { Allow } from '../auth/allow.decorator';
import { READERS } from '../auth/roles';
import { IdPipe } from '../http/id.pipe';
import { OptionalInstantPipe } from '../http/instant.pipe';
import { WholeNumberPipe } from '../http/whole-number.pipe';
import { ProblemException } from '../http/problem';
import { PolicyBookService } from '../policies/policy-book.service';
import { type TicketView, ticketView } from '../tickets/ticket.view';

/** A page of history stays well under a megabyte however many responses a ticket has. */
const MAX_PAGE = 500;

export interface TicketStateAsOf {
  readonly ticketId: string;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly eventsApplied: number;
  readonly lastPosition: number | null;
  /** The ticket as `GET /tickets/:id` showed it at that instant; `null` before it was received. */
  readonly ticket: TicketView | null;
  readonly explanation: DeadlineExplanation | null;
}

/** For auditors: a ticket's full history, and the ticket as it stood at any instant, with why its deadline is what it is. */
@ApiTags('audit')
@Controller('tickets')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly policies: PolicyBookService,
  ) {}

  @Get(':id/history')
  @Allow(...READERS)
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `Events per page, 1 to ${MAX_PAGE}; ${MAX_PAGE} by default.`,
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'The revision the page starts after: `next` of the page before.',
  })
  @ApiOkResponse({
    description:
      'The events of the ticket in order with who, when, policy version and cause; `next` while more follow.',
  })
  async history(
    @Param('id', new IdPipe('ticket')) id: string,
    @Query('limit', new WholeNumberPipe('limit', 1, MAX_PAGE)) limit: number | undefined,
    @Query('after', new WholeNumberPipe('after', 0, Number.MAX_SAFE_INTEGER)) after: number | undefined,
  ): Promise<{ ticketId: string; events: HistoryEntry[]; next: number | null }> {
    const pageSize = limit ?? MAX_PAGE;
    const fromRevision = after === undefined ? 0 : after + 1;
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(ticketStream(id), { fromRevision, maxCount: pageSize + 1 })) {
      events.push(event);
    }
    if (events.length === 0 && !(await this.exists(id))) {
      throw ProblemException.of(404, 'ticket-not-found', `There is no ticket ${id}.`);
    }
    const page = events.slice(0, pageSize);
    const isMore = events.length > pageSize;
    return { ticketId: id, events: page.map(historyEntry), next: isMore ? (page.at(-1)?.revision ?? null) : null };
  }

  @Get(':id/state')
  @Allow(...READERS)
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'ISO-8601 instant on the occurrence axis: every fact that occurred by then, even if recorded later.',
  })
  @ApiQuery({
    name: 'knownAt',
    required: false,
    description:
      'ISO-8601 instant: only the facts recorded by then (asOf=T&knownAt=T is what the engine believed at T).',
  })
  @ApiOkResponse({
    description: 'The ticket as it stood at asOf, from what was known at knownAt, with the deadline explained.',
  })
  async state(
    @Param('id', new IdPipe('ticket')) id: string,
    @Query('asOf', new OptionalInstantPipe('asOf')) asOf: string | undefined,
    @Query('knownAt', new OptionalInstantPipe('knownAt')) knownAt: string | undefined,
  ): Promise<TicketStateAsOf> {
    const events = await this.eventsOf(id);
    const book = await this.policies.current();
    const replay = replayTicket(id, events, asOf, book, knownAt);
    return {
      ticketId: id,
      asOf: replay.asOf,
      knownAt: replay.knownAt,
      eventsApplied: replay.eventsApplied,
      lastPosition: replay.lastPosition,
      ticket: replay.state.status === 'NotOpened' ? null : ticketView(replay.state, id, book),
      explanation: replay.explanation,
    };
  }

  private async exists(id: string): Promise<boolean> {
    for await (const _event of this.store.readStream(ticketStream(id), { maxCount: 1 })) return true;
    return false;
  }

  private async eventsOf(id: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(ticketStream(id))) events.push(event);
    if (events.length === 0) throw ProblemException.of(404, 'ticket-not-found', `There is no ticket ${id}.`);
    return events;
  }
}
