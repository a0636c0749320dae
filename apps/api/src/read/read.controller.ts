import { applyDecorators, Controller, Get, Inject, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { WebhookAlertSink } from '@app/alerts';
import { CLOCK, type Clock, type Instant } from '@app/clock';
import { CHANNELS, PLANS } from '@app/policy';
import {
  type BreachLogItem,
  type ComplianceRow,
  type CustomerItem,
  type OpenQueueItem,
  type Page,
  QUEUE_SORTS,
  QUEUE_STATUSES,
  READ_MODEL_DB,
  ReadModelQueries,
  type ReadModelDb,
  ReportQueries,
} from '@app/projections';
import { Allow } from '../auth/allow.decorator';
import { READERS } from '../auth/roles';
import { PolicyBookService } from '../policies/policy-book.service';
import { type CustomerView, FindCustomerByExternalRef } from '../customers/customers.handlers';
import { parseExternalRef } from '../external-refs/external-refs.service';
import { ALERT_DELIVERIES } from '../alerts/alert-deliveries';
import { type DeliveryStatus, withDeliveryStatus } from './delivery-status';
import { pageSchema, parseQuery } from './read-query';
import { PERIOD_RULE } from './reports.controller';

const queueQuery = {
  ...pageSchema,
  plan: z.enum(PLANS).optional(),
  status: z.enum(QUEUE_STATUSES).optional(),
  customerId: z.string().min(1).max(100).optional(),
  channel: z.enum(CHANNELS).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(QUEUE_SORTS).default('priority'),
};
const complianceQuery = { period: z.enum(['week', 'month']).default('week'), plan: z.enum(PLANS).optional() };
const customersQuery = {
  ...pageSchema,
  plan: z.enum(PLANS).optional(),
  flagged: z.enum(['true', 'false']).optional(),
};
const breachesQuery = {
  ...pageSchema,
  kind: z.enum(['breach', 'escalation']).optional(),
  ticketId: z.string().min(1).max(100).optional(),
};

const pageQueries = [
  ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', default: 50, maximum: 500 } }),
  ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', default: 0 } }),
];
/** The dashboards' read models, paginated; every role may read them. */
@ApiTags('read models')
@Controller()
export class ReadController {
  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    private readonly policies: PolicyBookService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALERT_DELIVERIES) private readonly deliveries: WebhookAlertSink | undefined,
    private readonly queryBus: QueryBus,
  ) {}

  @Get('queue')
  @Allow(...READERS)
  @applyDecorators(
    ...pageQueries,
    ApiQuery({ name: 'plan', required: false, enum: PLANS }),
    ApiQuery({ name: 'status', required: false, enum: QUEUE_STATUSES }),
    ApiQuery({ name: 'customerId', required: false }),
    ApiQuery({ name: 'channel', required: false, enum: CHANNELS }),
    ApiQuery({
      name: 'q',
      required: false,
      description: 'Part of the subject, the customer name or the ticket id (any case, 1 to 200 characters).',
    }),
    ApiQuery({
      name: 'sort',
      required: false,
      enum: QUEUE_SORTS,
      description:
        'priority (default): priority-handled first, then deadline (stopped clocks last), then receipt; ' +
        'deadline: soonest first, stopped clocks last; received: oldest first; customer: by name, then as priority.',
    }),
  )
  @ApiOkResponse({
    description: 'Open tickets in the order asked, with business minutes left as of `asOf`, the instant of the answer.',
  })
  async queue(@Query() query: unknown): Promise<Page<OpenQueueItem> & { asOf: Instant }> {
    const { limit, offset, sort, q, ...filter } = parseQuery(queueQuery, query);
    const asOf = this.clock.now();
    const page = (await this.queries()).openQueue({ ...filter, search: q }, { limit, offset }, asOf, sort);
    return { ...page, asOf };
  }

  @Get('compliance')
  @Allow(...READERS)
  @applyDecorators(
    ApiQuery({ name: 'period', required: false, enum: ['week', 'month'] }),
    ApiQuery({ name: 'plan', required: false, enum: PLANS }),
  )
  @ApiOkResponse({
    description: `First-response compliance per plan and period, as GET /reports/compliance gives it over all time. ${PERIOD_RULE}`,
  })
  async compliance(@Query() query: unknown): Promise<{ items: ComplianceRow[] }> {
    const filter = parseQuery(complianceQuery, query);
    const reports = new ReportQueries(this.db, await this.policies.current());
    return { items: reports.compliance(filter, this.clock.now()) };
  }

  @Get('customers')
  @Allow(...READERS)
  @applyDecorators(
    ...pageQueries,
    ApiQuery({ name: 'plan', required: false, enum: PLANS }),
    ApiQuery({ name: 'flagged', required: false, enum: ['true', 'false'] }),
  )
  @ApiOkResponse({ description: 'Customers with standing, usage against the flag suggestion and billed hours.' })
  async customers(@Query() query: unknown): Promise<Page<CustomerItem> | { items: readonly CustomerView[] }> {
    // `externalRef` reads the log, not the read model: an ingest that just set a reference finds it at once.
    if (typeof query === 'object' && query !== null && 'externalRef' in query) {
      const { source, externalId } = parseExternalRef((query as { externalRef: unknown }).externalRef);
      return { items: await this.queryBus.execute(new FindCustomerByExternalRef(source, externalId)) };
    }
    const { limit, offset, plan, flagged } = parseQuery(customersQuery, query);
    const filter = { ...(plan ? { plan } : {}), ...(flagged ? { isFlagged: flagged === 'true' } : {}) };
    return (await this.queries()).customers(filter, { limit, offset }, this.clock.now());
  }

  @Get('breaches')
  @Allow(...READERS)
  @applyDecorators(
    ...pageQueries,
    ApiQuery({ name: 'kind', required: false, enum: ['breach', 'escalation'] }),
    ApiQuery({ name: 'ticketId', required: false }),
  )
  @ApiOkResponse({ description: 'Every breach and escalation, newest first, with what became of its webhooks.' })
  async breaches(@Query() query: unknown): Promise<Page<BreachLogItem & { delivery: DeliveryStatus }>> {
    const { limit, offset, ...filter } = parseQuery(breachesQuery, query);
    const page = (await this.queries()).breachLog(filter, { limit, offset });
    return { ...page, items: await withDeliveryStatus(page.items, this.deliveries) };
  }

  private async queries(): Promise<ReadModelQueries> {
    return new ReadModelQueries(this.db, await this.policies.current());
  }
}
