import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig, parseChannelMap } from '@app/config';
import type { Channel } from '@app/policy';
import { Allow } from '../auth/allow.decorator';
import { INTEGRATIONS, OPERATORS } from '../auth/roles';
import { type Caller, CurrentCaller } from '../commands/caller';
import { ProblemException } from '../http/problem';
import { type BodyOf, ZodBodyPipe } from '../http/zod-body.pipe';
import { type EnvelopeResult, IngestService, type LedgerItem } from './ingest.service';
import {
  INGEST_SIGNATURE_HEADER,
  INGEST_SOURCE_HEADER,
  INGEST_TIMESTAMP_HEADER,
  signIngestBatch,
  signZendeskWebhook,
  verifySignature,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
} from './signatures';
import { mapZendeskEvent, ZENDESK_SOURCE } from './zendesk/zendesk-mapping';

const MAX_BATCH = 500;
const batchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) });
const retrySchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ source: z.string().min(1), ticketRef: z.string().min(1).optional() }),
]);

const rawBodyOf = (request: Request): string => {
  const raw = (request as Request & { rawBody?: Buffer }).rawBody;
  return raw ? raw.toString('utf8') : '';
};

const header = (request: Request, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

@ApiTags('ingest')
@Controller('ingest')
export class IngestController {
  private readonly zendeskChannels: ReadonlyMap<string, Channel>;

  constructor(
    private readonly ingest: IngestService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.zendeskChannels = parseChannelMap(config.ZENDESK_CHANNEL_MAP) ?? new Map();
  }

  @Post('events')
  @HttpCode(200)
  @Allow(...INTEGRATIONS)
  @ApiOkResponse({ description: 'Each envelope: applied, duplicate, parked (with its reason), pending or invalid.' })
  async events(
    @Req() request: Request,
    @Body(new ZodBodyPipe(batchSchema)) { events }: BodyOf<typeof batchSchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ readonly results: readonly EnvelopeResult[] }> {
    const source = header(request, INGEST_SOURCE_HEADER) ?? '';
    const timestamp = header(request, INGEST_TIMESTAMP_HEADER) ?? '';
    const secret = this.config.INGEST_SECRETS?.find((entry) => entry.source === source)?.secret;
    verifySignature({
      expected: secret === undefined ? null : signIngestBatch(secret, timestamp, source, rawBodyOf(request)),
      signature: header(request, INGEST_SIGNATURE_HEADER),
      sentAtMs: /^\d+$/.test(timestamp) ? Number(timestamp) * 1_000 : Number.NaN,
      nowMs: Date.parse(this.clock.now()),
      toleranceMs: this.config.INGEST_SIGNATURE_TOLERANCE_MS,
    });
    return { results: await this.ingest.ingest(source, events, caller) };
  }

  @Post('zendesk')
  @HttpCode(200)
  @Allow(...INTEGRATIONS)
  @ApiOkResponse({ description: 'The event: applied, duplicate, parked, pending, invalid or ignored (with why).' })
  async zendesk(
    @Req() request: Request,
    @Body() payload: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<{ readonly result: EnvelopeResult | { readonly status: 'ignored'; readonly reason: string } }> {
    const timestamp = header(request, ZENDESK_TIMESTAMP_HEADER) ?? '';
    const secret = this.config.ZENDESK_WEBHOOK_SECRET;
    verifySignature({
      expected: secret === undefined ? null : signZendeskWebhook(secret, timestamp, rawBodyOf(request)),
      signature: header(request, ZENDESK_SIGNATURE_HEADER),
      sentAtMs: /^\d{4}-\d{2}-\d{2}T/.test(timestamp) ? Date.parse(timestamp) : Number.NaN,
      nowMs: Date.parse(this.clock.now()),
      toleranceMs: this.config.ZENDESK_SIGNATURE_TOLERANCE_MS,
    });
    const mapped = mapZendeskEvent(payload, this.zendeskChannels);
    if (mapped.kind === 'ignored') return { result: { status: 'ignored', reason: mapped.reason } };
    if (mapped.kind === 'invalid') {
      throw ProblemException.of(400, 'invalid-command', `${mapped.field}: ${mapped.reason}`, {
        field: mapped.field,
        reason: mapped.reason,
      });
    }
    const [result] = await this.ingest.ingest(ZENDESK_SOURCE, [mapped.envelope], caller);
    return { result: result as EnvelopeResult };
  }

  @Get('parked')
  @Allow(...OPERATORS)
  @ApiOkResponse({ description: 'Every envelope recorded and not applied: parked (with its reason) or pending.' })
  async parked(
    @Query('source') source: unknown,
    @Query('reason') reason: unknown,
  ): Promise<{ readonly items: readonly LedgerItem[] }> {
    return {
      items: await this.ingest.parked({
        ...(typeof source === 'string' ? { source } : {}),
        ...(typeof reason === 'string' ? { reason } : {}),
      }),
    };
  }

  @Post('parked/retry')
  @HttpCode(200)
  @Allow(...OPERATORS)
  async retry(
    @Body(new ZodBodyPipe(retrySchema)) which: BodyOf<typeof retrySchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<{ readonly applied: number; readonly waiting: readonly LedgerItem[] }> {
    return this.ingest.retry('all' in which ? {} : which, caller);
  }
}
