import { Body, Controller, Get, HttpCode, Inject, Logger, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ALERT_KINDS,
  type AlertDelivery,
  DELIVERY_STATES,
  DeliveryNotFound,
  NoParkedDelivery,
  type RedriveSelector,
  type WebhookAlertSink,
} from '@app/alerts';
import type { Page } from '@app/projections';
import { Allow } from '../auth/allow.decorator';
import { OPERATORS } from '../auth/roles';
import { type Caller, CurrentCaller } from '../commands/caller';
import { jsonSchemaOf } from '../http/openapi';
import { type BodyOf, ZodBodyPipe } from '../http/zod-body.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { pageSchema, parseQuery } from '../read/read-query';
import { ALERT_DELIVERIES } from './alert-deliveries';

const deliveriesQuery = {
  ...pageSchema,
  state: z.enum(DELIVERY_STATES).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
};

const SELECTORS = ['deliveryId', 'alertId', 'kind', 'all'] as const;

const redriveSchema = z
  .strictObject({
    deliveryId: z.string().min(1).max(300).optional(),
    alertId: z.string().min(1).max(200).optional(),
    kind: z.enum(ALERT_KINDS).optional(),
    all: z.literal(true).optional(),
  })
  .refine((body) => SELECTORS.filter((name) => body[name] !== undefined).length === 1, {
    message: 'give exactly one of deliveryId, alertId, kind or all: true',
  });

const selectorOf = (body: BodyOf<typeof redriveSchema>): RedriveSelector =>
  body.deliveryId !== undefined
    ? { deliveryId: body.deliveryId }
    : body.alertId !== undefined
      ? { alertId: body.alertId }
      : body.kind !== undefined
        ? { kind: body.kind }
        : { all: true };

const deliveryExample: AlertDelivery = {
  deliveryId: '0b6c1f0e-4f1a-5c57-9a51-3e2f8b7c6d10__ops__5f2b7c1e9a3d',
  state: 'parked',
  alertId: '0b6c1f0e-4f1a-5c57-9a51-3e2f8b7c6d10',
  kind: 'breach',
  ticketId: '7f3c2a10-5b9e-4d61-8c2f-1a2b3c4d5e6f',
  externalRef: { source: 'zendesk', externalId: '35436' },
  clockId: 'first-response',
  target: { role: 'ops', url: 'https://alerts.example.test/ops' },
  attempts: 152,
  maxAttempts: 152,
  lastError: 'https://alerts.example.test/ops answered 503',
  lastAttemptAt: '2026-12-01T19:02:11.000Z',
  nextAttemptAt: null,
  parkedAt: '2026-12-01T19:02:11.020Z',
};

/** Webhook deliveries that failed, for ops: the list, and sending parked ones again. */
@ApiTags('alerts')
@Controller('alerts/deliveries')
export class AlertDeliveriesController {
  private readonly logger = new Logger('AlertDeliveries');

  constructor(@Inject(ALERT_DELIVERIES) private readonly deliveries: WebhookAlertSink | undefined) {}

  @Get()
  @Allow(...OPERATORS)
  @ApiQuery({ name: 'state', required: false, enum: DELIVERY_STATES })
  @ApiQuery({ name: 'kind', required: false, enum: ALERT_KINDS })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', default: 50, maximum: 500 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', default: 0 } })
  @ApiOkResponse({
    description:
      'Every webhook delivery that failed at least once: parked (out of tries, or refused), newest first, then ' +
      'retrying, the next try first. Empty when no webhook is configured.',
    schema: { example: { items: [deliveryExample], total: 1, limit: 50, offset: 0 } },
  })
  async list(@Query() query: unknown): Promise<Page<AlertDelivery>> {
    const { limit, offset, ...filter } = parseQuery(deliveriesQuery, query);
    const all = this.deliveries ? await this.deliveries.listDeliveries(filter) : [];
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }

  @Post('redrive')
  @HttpCode(200)
  @Allow(...OPERATORS)
  @Idempotent()
  @ApiBody({
    schema: jsonSchemaOf(redriveSchema),
    examples: {
      one: { value: { deliveryId: deliveryExample.deliveryId } },
      alert: { value: { alertId: deliveryExample.alertId } },
      kind: { value: { kind: 'at-risk' } },
      all: { value: { all: true } },
    },
  })
  @ApiOkResponse({
    description:
      'The parked deliveries sent back to the queue, each with its whole retry policy, the same Idempotency-Key ' +
      'and a fresh signature. 404 for an unknown delivery or an alert with none parked; 409 for a delivery that is ' +
      'not parked.',
    schema: { example: { redriven: [deliveryExample] } },
  })
  async redrive(
    @Body(new ZodBodyPipe(redriveSchema)) body: BodyOf<typeof redriveSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ redriven: AlertDelivery[] }> {
    const selector = selectorOf(body);
    if (!this.deliveries) {
      if ('deliveryId' in selector) throw new DeliveryNotFound(selector.deliveryId);
      if ('alertId' in selector) throw new NoParkedDelivery(selector.alertId);
      return { redriven: [] };
    }
    const redriven = await this.deliveries.redrive(selector);
    // Delivery outcomes are not events of the log: the log line is the record of who sent what again.
    this.logger.log(
      `${caller.actor.id} sent ${redriven.length} parked alert deliveries again: ${redriven.map((d) => d.deliveryId).join(', ')}`,
    );
    return { redriven };
  }
}
