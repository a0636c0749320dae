import { applyDecorators, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { WebhookAlertSink } from '@app/alerts';
import { CLOCK, type Clock } from '@app/clock';
import { PLANS } from '@app/policy';
import {
  type BreachLogItem,
  type ComplianceRow,
  type CustomerItem,
  type OpenQueueItem,
  type Page,
  QUEUE_STATUSES,
  READ_MODEL_DB,
  ReadModelQueries,
  type ReadModelDb,
  ReportQueries,
} from '@app/projections';
import { Allow } from '../auth/allow.decorator';
import { READERS } from '../auth/roles';
import { PolicyBookService } from '../policies/policy-book.service';
import { ALERT_DELIVERIES, type DeliveryStatus, withDeliveryStatus } from './delivery-status';
import { pageSchema, parseQuery } from './read-query';
import { PERIOD_RULE } from './reports.controller';

const queueQuery = {
  ...pageSchema,
  plan: z.enum(PLANS).optional(),
  status: z.enum(QUEUE_STATUSES).optional(),
  customerId: z.string().min(1).max(100).optional(),
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
  ) {}

  @Get('queue')
  @Allow(...READERS)
  @applyDecorators(
    ...pageQueries,
    ApiQuery({ name: 'plan', required: false, enum: PLANS }),
    ApiQuery({ name: 'status', required: false, enum: QUEUE_STATUSES }),
    ApiQuery({ name: 'customerId', required: false }),
  )
  @ApiOkResponse({ description: 'Open tickets, priority-handled first, then by deadline; minutes left as of now.' })
  async queue(@Query() query: unknown): Promise<Page<OpenQueueItem>> {
    const { limit, offset, ...filter } = parseQuery(queueQuery, query);
    return (await this.queries()).openQueue(filter, { limit, offset }, this.clock.now());
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
  async customers(@Query() query: unknown): Promise<Page<CustomerItem>> {
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
