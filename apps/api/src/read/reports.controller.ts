import { applyDecorators, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CLOCK, type Clock, type Instant } from '@app/clock';
import { ZENDESK_METRIC_SOURCE } from '@app/domain';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { CHANNELS, PLANS } from '@app/policy';
import { z } from 'zod';
import {
  PERIODS,
  REPORT_COLUMNS,
  REPORT_FILTER_SHAPE,
  isRangeOrdered,
  READ_MODEL_DB,
  type ReadModelDb,
  type ReportFilter,
  ReportQueries,
  SHADOW_CSV_COLUMNS,
  shadowCsvRow,
  shadowReport,
  toCsv,
} from '@app/projections';
import { Allow } from '../auth/allow.decorator';
import { READERS } from '../auth/roles';
import { externalTicketId } from '../external-refs/external-refs.service';
import { ProblemException } from '../http/problem';
import { PolicyBookService } from '../policies/policy-book.service';
import { acceptedReportType, answerReport, CSV } from './report-answer';
import { parseQuery } from './read-query';

export const PERIOD_RULE =
  'A first-response clock is applicable unless out of scope, waived or suspended. It is placed in the period of its ' +
  'first response when met, otherwise in the period of its deadline; a clock paused without a deadline is in no ' +
  'period. Missed = answered late plus not answered and past the deadline at the time of asking; open = not answered ' +
  'and not yet due; rate = met / (met + missed). Periods (day, ISO week from Monday, month) start at local midnight ' +
  'in the zone of the support calendar in force at `to` (or now); `from` and `to` bound the placing instant, [from, to).';

const SHADOW_SOURCES = [ZENDESK_METRIC_SOURCE] as const;
const SHADOW_QUERY = {
  source: z.enum(SHADOW_SOURCES),
  differs: z.enum(['true', 'false']).optional(),
  format: z.enum(['json', 'csv']).optional(),
};

const reportDocs = (summary: string) =>
  applyDecorators(
    ApiQuery({ name: 'from', required: false, description: 'ISO-8601 instant, included' }),
    ApiQuery({ name: 'to', required: false, description: 'ISO-8601 instant, excluded' }),
    ApiQuery({ name: 'period', required: false, enum: PERIODS, description: 'default month' }),
    ApiQuery({ name: 'plan', required: false, enum: PLANS }),
    ApiQuery({ name: 'customerId', required: false }),
    ApiQuery({ name: 'agent', required: false, description: 'who gave the first response' }),
    ApiQuery({ name: 'channel', required: false, enum: CHANNELS }),
    ApiProduces('application/json', CSV),
    ApiOkResponse({ description: `${summary} JSON by default; RFC 4180 CSV with a header row for Accept: text/csv.` }),
  );

/** Reports for a support lead, over a range of instants, as JSON or CSV; every role may read them. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly policies: PolicyBookService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('compliance')
  @Allow(...READERS)
  @reportDocs(`First-response compliance per plan and period. ${PERIOD_RULE}`)
  compliance(@Query() query: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.report(query, request, response, 'compliance', REPORT_COLUMNS.compliance, (queries, filter, now) =>
      queries.compliance(filter, now),
    );
  }

  @Get('breaches')
  @Allow(...READERS)
  @reportDocs(
    'Every breach and escalation that occurred in [from, to), oldest first, with its period, deadline and time in UTC ' +
      'and in the calendar zone, and who gave the first response.',
  )
  breaches(@Query() query: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.report(query, request, response, 'breaches', REPORT_COLUMNS.breaches, (queries, filter, now) =>
      queries.breaches(filter, now),
    );
  }

  @Get('customers')
  @Allow(...READERS)
  @reportDocs(
    'Per customer: tickets received in the range, clocks met, missed and open (placed as in the compliance report), ' +
      'tickets per licence over the policy window before `to` (or now), professional services billed in the range.',
  )
  customers(@Query() query: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.report(query, request, response, 'customers', REPORT_COLUMNS.customers, (queries, filter, now) =>
      queries.customers(filter, now),
    );
  }

  @Get('agents')
  @Allow(...READERS)
  @reportDocs(
    'Per agent: responses given in the range, and the first responses they gave met and missed (placed as in the ' +
      'compliance report) with the median support and calendar minutes to them.',
  )
  agents(@Query() query: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return this.report(query, request, response, 'agents', REPORT_COLUMNS.agents, (queries, filter, now) =>
      queries.agents(filter, now),
    );
  }

  @Get('shadow')
  @Allow(...READERS)
  @ApiQuery({ name: 'source', required: true, enum: SHADOW_SOURCES, description: 'whose own SLA to compare with' })
  @ApiQuery({
    name: 'differs',
    required: false,
    enum: ['true', 'false'],
    description: 'only the tickets that differ, or agree',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'instead of the Accept header' })
  @ApiProduces('application/json', CSV)
  @ApiOkResponse({
    description:
      "Per ticket, the engine's first-response deadline and outcome next to the source's own SLA (imported with " +
      "`cli import-sla`), whether they differ and, for each difference, the engine's explanation (calendar, " +
      'holidays, pauses, allowance); with a summary. Read from the log at each call. JSON `{ source, summary, items }`, ' +
      'or one CSV line per ticket for Accept: text/csv or format=csv.',
  })
  async shadow(@Query() query: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const { source, differs, format } = parseQuery(SHADOW_QUERY, query);
    const wantsCsv = format === undefined ? acceptedReportType(request) === CSV : format === 'csv';
    const report = await shadowReport(
      this.store,
      await this.policies.current(),
      source,
      (ticketRef) => externalTicketId(source, ticketRef),
      this.clock.now(),
      { differs: differs === undefined ? undefined : differs === 'true' },
    );
    if (!wantsCsv) return report;
    response.type(`${CSV}; charset=utf-8; header=present`);
    response.attachment(`shadow-${source}.csv`);
    return toCsv(SHADOW_CSV_COLUMNS, report.items.map(shadowCsvRow));
  }

  private async report<Row extends object>(
    query: unknown,
    request: Request,
    response: Response,
    name: string,
    columns: readonly (keyof Row & string)[],
    reportOf: (queries: ReportQueries, filter: ReportFilter, now: Instant) => Row[],
  ) {
    const filter = parseReportQuery(query);
    const queries = new ReportQueries(this.db, await this.policies.current());
    const rows = reportOf(queries, filter, this.clock.now());
    return answerReport(request, response, name, columns, rows);
  }
}

const parseReportQuery = (query: unknown): ReportFilter => {
  const filter = parseQuery(REPORT_FILTER_SHAPE, query);
  if (!isRangeOrdered(filter)) {
    throw ProblemException.of(400, 'invalid-request', 'from must be before to.', {
      errors: [{ path: 'from', reason: 'must be before to' }],
    });
  }
  return filter;
};
