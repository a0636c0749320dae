import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { firstPolicyVersionDocument } from '@app/policy';
import { Allow } from '../auth/allow.decorator';
import { ADMINS, READERS } from '../auth/roles';
import { type Caller, CurrentCaller } from '../commands/caller';
import { OptionalInstantPipe } from '../http/instant.pipe';
import { Idempotent } from '../idempotency/idempotent.decorator';
import {
  GetPolicyInForce,
  GetPolicyVersion,
  ListPolicyVersions,
  type PolicySummary,
  type PolicyView,
  PublishPolicyVersion,
} from './policies.handlers';

const summaryExample = {
  version: '2017-11-23',
  effectiveFrom: '2017-11-23T05:00:00.000Z',
  calendarId: 'quebec-support-hours',
  timeZone: 'America/Toronto',
  source: 'file',
};

const publishExample = {
  ...(firstPolicyVersionDocument as object),
  version: '2027-01-01',
  effectiveFrom: '2027-01-01T00:00:00.000-05:00',
};

@ApiTags('policies')
@Controller('policies')
export class PoliciesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Allow(...ADMINS)
  @Idempotent()
  @ApiBody({
    description: 'A policy version document (see policies/2017-11-23.json), effective from a future instant.',
    schema: { type: 'object' },
    examples: { nextYear: { value: publishExample } },
  })
  @ApiCreatedResponse({
    schema: {
      example: {
        ...summaryExample,
        version: '2027-01-01',
        effectiveFrom: '2027-01-01T05:00:00.000Z',
        source: 'published',
      },
    },
  })
  publish(@Body() document: unknown, @CurrentCaller() caller: Caller): Promise<PolicySummary> {
    return this.commands.execute(new PublishPolicyVersion(document, caller));
  }

  @Get()
  @Allow(...READERS)
  @ApiOkResponse({ description: 'Every version, oldest effective first.', schema: { example: [summaryExample] } })
  list(): Promise<PolicySummary[]> {
    return this.queries.execute(new ListPolicyVersions());
  }

  @Get('in-force')
  @Allow(...READERS)
  @ApiQuery({
    name: 'at',
    required: false,
    description: 'An ISO-8601 instant; now when omitted.',
    example: '2026-11-30T15:00:00Z',
  })
  @ApiOkResponse({ schema: { example: { ...summaryExample, document: firstPolicyVersionDocument } } })
  inForce(@Query('at', new OptionalInstantPipe('at')) at: string | undefined): Promise<PolicyView> {
    return this.queries.execute(new GetPolicyInForce(at));
  }

  @Get(':version')
  @Allow(...READERS)
  @ApiOkResponse({ schema: { example: { ...summaryExample, document: firstPolicyVersionDocument } } })
  show(@Param('version') version: string): Promise<PolicyView> {
    return this.queries.execute(new GetPolicyVersion(version));
  }
}
