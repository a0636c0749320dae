import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Allow } from '../auth/allow.decorator';
import { READERS, TICKET_WRITERS } from '../auth/roles';
import { type Caller, CurrentCaller } from '../commands/caller';
import { IdPipe } from '../http/id.pipe';
import { jsonSchemaOf } from '../http/openapi';
import { type BodyOf, ZodBodyPipe } from '../http/zod-body.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';
import {
  billSchema,
  extensionSchema,
  noFieldsSchema,
  noteSchema,
  openTicketSchema,
  outOfScopeSchema,
  reasonSchema,
  resolveSchema,
  responseSchema,
} from './ticket.schemas';
import {
  ChangeTicket,
  FlagCustomerFromTicket,
  GetTicket,
  OpenTicket,
  RespondToTicket,
  type ResponseAnswer,
  type TicketChange,
} from './tickets.handlers';
import type { TicketView } from './ticket.view';
import { externalTicketId, parseExternalRef } from '../external-refs/external-refs.service';
import { TicketNotFound } from '@app/domain';

const ticketExample: TicketView = {
  id: '9b2d7c1e-4f3a-4e8b-a1c2-5d6e7f8a9b0c',
  customerId: '3f0c1a52-8d1e-4c43-9b8e-2f51a7d0c9e4',
  status: 'Open',
  channel: 'email',
  subject: 'Import fails on large files',
  plan: 'premium',
  handlingPriority: 'priority',
  receivedAt: '2026-11-30T15:00:00.000Z',
  externalRef: null,
  policyVersion: '2017-11-23',
  calendarId: 'quebec-support-hours',
  timeZone: 'America/Toronto',
  firstResponseDueAt: '2026-11-30T19:00:00.000Z',
  firstResponseDueLocal: '2026-11-30T14:00:00.000-05:00',
  allowanceMinutes: 240,
  sla: {
    status: 'Running',
    stoppedBecause: null,
    baseAllowanceMinutes: 240,
    extensionMinutes: 0,
    elapsedMinutes: 0,
    asOf: '2026-11-30T15:00:00.000Z',
    relaxation: null,
    isPausedForTraining: false,
    atRiskAt: null,
    breachedAt: null,
    escalatedAt: null,
  },
  firstResponseAt: null,
  outOfScope: null,
  isProfessionalServicesOffered: false,
  resolvedAt: null,
};

const responseExample: ResponseAnswer = {
  ticketId: ticketExample.id,
  responseId: '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a',
  respondedBy: 'alice',
  respondedAt: '2026-11-30T17:00:00.000Z',
  isFirstResponse: true,
  outcome: 'met',
  deadline: '2026-11-30T19:00:00.000Z',
  missedByMinutes: 0,
  businessMinutesTaken: 120,
  ticket: { ...ticketExample, firstResponseAt: '2026-11-30T17:00:00.000Z' },
};

const body = <S extends z.ZodType>(schema: S, example: unknown) =>
  ApiBody({ schema: jsonSchemaOf(schema), examples: { example: { value: example } } });

const changed = ApiOkResponse({ description: 'The ticket as it now stands.', schema: { example: ticketExample } });

const ticketId = new IdPipe('ticket');

@ApiTags('tickets')
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private change(id: string, change: TicketChange, caller: Caller): Promise<TicketView> {
    return this.commands.execute(new ChangeTicket(id, change, caller));
  }

  @Post()
  @HttpCode(201)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(openTicketSchema, {
    customerId: ticketExample.customerId,
    channel: 'email',
    subject: 'Import fails on large files',
    receivedAt: '2026-11-30T15:00:00Z',
  })
  @ApiCreatedResponse({
    description: 'The ticket with its plan, policy version, first-response deadline and allowance.',
    schema: { example: ticketExample },
  })
  open(
    @Body(new ZodBodyPipe(openTicketSchema)) input: BodyOf<typeof openTicketSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.commands.execute(new OpenTicket(input, caller));
  }

  @Get()
  @Allow(...READERS)
  @ApiOkResponse({
    description: 'The ticket a source opened under that reference, if any.',
    schema: { example: { items: [{ ...ticketExample, externalRef: { source: 'zendesk', externalId: '35436' } }] } },
  })
  async find(@Query('externalRef') externalRef: unknown): Promise<{ readonly items: readonly TicketView[] }> {
    const { source, externalId } = parseExternalRef(externalRef);
    try {
      const ticket: TicketView = await this.queries.execute(new GetTicket(externalTicketId(source, externalId)));
      const isSame = ticket.externalRef?.source === source && ticket.externalRef.externalId === externalId;
      return { items: isSame ? [ticket] : [] };
    } catch (error) {
      if (error instanceof TicketNotFound) return { items: [] };
      throw error;
    }
  }

  @Get(':id')
  @Allow(...READERS)
  @ApiOkResponse({ schema: { example: ticketExample } })
  show(@Param('id', ticketId) id: string): Promise<TicketView> {
    return this.queries.execute(new GetTicket(id));
  }

  @Post(':id/responses')
  @HttpCode(201)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(responseSchema, { by: 'alice', respondedAt: '2026-11-30T12:05:00-05:00' })
  @ApiCreatedResponse({
    description: 'Whether this was the first response, and whether it met the deadline.',
    schema: { example: responseExample },
  })
  respond(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(responseSchema)) data: BodyOf<typeof responseSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<ResponseAnswer> {
    return this.commands.execute(new RespondToTicket(id, data, caller));
  }

  @Post(':id/flag-customer')
  @HttpCode(200)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(reasonSchema, { reason: 'Third request this week on a topic covered by the getting-started guide' })
  @changed
  flagCustomer(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(reasonSchema)) data: BodyOf<typeof reasonSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.commands.execute(new FlagCustomerFromTicket(id, data, caller));
  }

  @Post(':id/out-of-scope')
  @HttpCode(200)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(outOfScopeSchema, { category: 'beyond-plan', note: 'Custom report design is not covered by support' })
  @changed
  markOutOfScope(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(outOfScopeSchema)) data: BodyOf<typeof outOfScopeSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'MarkTicketOutOfScope', data }, caller);
  }

  @Post(':id/professional-services/offer')
  @HttpCode(200)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(noteSchema, { note: 'Quoted 3 hours at the current rate' })
  @changed
  offerProfessionalServices(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(noteSchema)) data: BodyOf<typeof noteSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'OfferProfessionalServices', data }, caller);
  }

  @Post(':id/professional-services/billed')
  @HttpCode(201)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(billSchema, { hours: 2.5, note: 'Report template built with the customer' })
  @ApiCreatedResponse({ schema: { example: ticketExample } })
  billProfessionalServices(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(billSchema)) data: BodyOf<typeof billSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'BillProfessionalServices', data }, caller);
  }

  @Post(':id/waiver')
  @HttpCode(200)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(reasonSchema, { reason: 'Customer asked us to wait for their logs' })
  @changed
  waiveDeadline(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(reasonSchema)) data: BodyOf<typeof reasonSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'WaiveDeadline', data }, caller);
  }

  @Post(':id/extensions')
  @HttpCode(201)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(extensionSchema, { extensionMinutes: 120, reason: 'Waiting on a fix from the vendor of the database' })
  @ApiCreatedResponse({ schema: { example: ticketExample } })
  extendDeadline(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(extensionSchema)) data: BodyOf<typeof extensionSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'ExtendDeadline', data }, caller);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(resolveSchema, { note: 'Fixed in 4.2.1' })
  @changed
  resolve(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(resolveSchema)) data: BodyOf<typeof resolveSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'ResolveTicket', data }, caller);
  }

  @Post(':id/replan')
  @HttpCode(200)
  @Allow(...TICKET_WRITERS)
  @Idempotent()
  @body(noFieldsSchema, {})
  @changed
  replan(
    @Param('id', ticketId) id: string,
    @Body(new ZodBodyPipe(noFieldsSchema)) _data: object,
    @CurrentCaller() caller: Caller,
  ): Promise<TicketView> {
    return this.change(id, { type: 'ReplanTicket', data: {} }, caller);
  }
}
