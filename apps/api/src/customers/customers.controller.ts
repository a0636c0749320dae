import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { Allow } from '../auth/allow.decorator';
import { ADMINS, CUSTOMER_CARERS, READERS } from '../auth/roles';
import { type Caller, CurrentCaller } from '../commands/caller';
import { IdPipe } from '../http/id.pipe';
import { jsonSchemaOf } from '../http/openapi';
import { type BodyOf, ZodBodyPipe } from '../http/zod-body.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';
import {
  assignPlanSchema,
  changeLicencesSchema,
  clearFlagSchema,
  datedSchema,
  externalRefSchema,
  flagSchema,
  registerCustomerSchema,
} from './customer.schemas';
import {
  ChangeCustomer,
  type CustomerChange,
  type CustomerView,
  GetCustomer,
  RegisterCustomer,
  SetCustomerExternalRef,
} from './customers.handlers';

const customerExample: CustomerView = {
  id: '3f0c1a52-8d1e-4c43-9b8e-2f51a7d0c9e4',
  name: 'Acme Corp',
  licences: 25,
  plan: 'premium',
  isPlanEligible: true,
  flag: null,
  isTrainingRequired: false,
  externalRefs: { zendesk: '8447346622462' },
};

const body = <S extends z.ZodType>(schema: S, example: unknown) =>
  ApiBody({ schema: jsonSchemaOf(schema), examples: { example: { value: example } } });

const changed = ApiOkResponse({ description: 'The customer as it now stands.', schema: { example: customerExample } });

const customerId = new IdPipe('customer');

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private change(id: string, change: CustomerChange, caller: Caller): Promise<CustomerView> {
    return this.commands.execute(new ChangeCustomer(id, change, caller));
  }

  @Post()
  @HttpCode(201)
  @Allow(...ADMINS)
  @Idempotent()
  @body(registerCustomerSchema, { name: 'Acme Corp', licences: 25, plan: 'premium' })
  @ApiCreatedResponse({ schema: { example: customerExample } })
  register(
    @Body(new ZodBodyPipe(registerCustomerSchema)) input: BodyOf<typeof registerCustomerSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.commands.execute(new RegisterCustomer(input, caller));
  }

  @Put(':id/external-refs/:source')
  @HttpCode(200)
  @Allow(...ADMINS)
  @body(externalRefSchema, { externalId: '8447346622462' })
  @changed
  setExternalRef(
    @Param('id', customerId) id: string,
    @Param('source') source: string,
    @Body(new ZodBodyPipe(externalRefSchema)) { externalId }: BodyOf<typeof externalRefSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.commands.execute(new SetCustomerExternalRef(id, source, externalId, caller));
  }

  @Get(':id')
  @Allow(...READERS)
  @ApiOkResponse({ schema: { example: customerExample } })
  show(@Param('id', customerId) id: string): Promise<CustomerView> {
    return this.queries.execute(new GetCustomer(id));
  }

  @Post(':id/licences')
  @HttpCode(200)
  @Allow(...ADMINS)
  @Idempotent()
  @body(changeLicencesSchema, { licences: 8 })
  @changed
  changeLicences(
    @Param('id', customerId) id: string,
    @Body(new ZodBodyPipe(changeLicencesSchema)) data: BodyOf<typeof changeLicencesSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.change(id, { type: 'ChangeLicences', data }, caller);
  }

  @Post(':id/plan')
  @HttpCode(200)
  @Allow(...ADMINS)
  @Idempotent()
  @body(assignPlanSchema, { plan: 'priority' })
  @changed
  assignPlan(
    @Param('id', customerId) id: string,
    @Body(new ZodBodyPipe(assignPlanSchema)) data: BodyOf<typeof assignPlanSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.change(id, { type: 'AssignPlan', data }, caller);
  }

  @Post(':id/flag')
  @HttpCode(200)
  @Allow(...CUSTOMER_CARERS)
  @Idempotent()
  @body(flagSchema, { reason: 'Twelve tickets this week on topics covered by the getting-started guide' })
  @changed
  flag(
    @Param('id', customerId) id: string,
    @Body(new ZodBodyPipe(flagSchema)) data: BodyOf<typeof flagSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.change(id, { type: 'FlagCustomerForExcessiveRequests', data }, caller);
  }

  @Post(':id/flag/clear')
  @HttpCode(200)
  @Allow(...CUSTOMER_CARERS)
  @Idempotent()
  @body(clearFlagSchema, { reason: 'Training completed and request volume back to normal' })
  @changed
  clearFlag(
    @Param('id', customerId) id: string,
    @Body(new ZodBodyPipe(clearFlagSchema)) data: BodyOf<typeof clearFlagSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.change(id, { type: 'ClearExcessiveRequestsFlag', data }, caller);
  }

  @Post(':id/training/required')
  @HttpCode(200)
  @Allow(...CUSTOMER_CARERS)
  @Idempotent()
  @body(datedSchema, {})
  @changed
  requireTraining(
    @Param('id', customerId) id: string,
    @Body(new ZodBodyPipe(datedSchema)) data: BodyOf<typeof datedSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.change(id, { type: 'RequireTraining', data }, caller);
  }

  @Post(':id/training/completed')
  @HttpCode(200)
  @Allow(...CUSTOMER_CARERS)
  @Idempotent()
  @body(datedSchema, {})
  @changed
  recordTrainingCompleted(
    @Param('id', customerId) id: string,
    @Body(new ZodBodyPipe(datedSchema)) data: BodyOf<typeof datedSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerView> {
    return this.change(id, { type: 'RecordTrainingCompleted', data }, caller);
  }
}
