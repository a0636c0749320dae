import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MAX_ROTATION_GRACE_MINUTES } from '@app/domain';
import { type Caller, CurrentCaller } from '../commands/caller';
import { CommandRunner } from '../commands/command-runner';
import { IdPipe } from '../http/id.pipe';
import { jsonSchemaOf } from '../http/openapi';
import { type BodyOf, ZodBodyPipe } from '../http/zod-body.pipe';
import { Allow } from './allow.decorator';
import { ApiKeysService, type KeySummary } from './api-keys.service';
import { ADMINS, ROLES } from './roles';

const createKeySchema = z.strictObject({
  name: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64'),
  role: z.enum(ROLES),
});

const DEFAULT_GRACE_MINUTES = 60;
const rotateKeySchema = z.strictObject({
  graceMinutes: z.number().int().min(0).max(MAX_ROTATION_GRACE_MINUTES).default(DEFAULT_GRACE_MINUTES),
});

const revokeKeySchema = z.strictObject({});

const keyId = new IdPipe('api-key');

const SUMMARY_EXAMPLE: KeySummary = {
  id: '6f1b3c52-9d0e-4a8e-9a57-3f3f5cde2b11',
  name: 'alice',
  role: 'agent',
  source: 'issued',
  createdAt: '2026-11-30T15:00:00.000Z',
  revokedAt: null,
  previousKeyValidUntil: null,
};
const KEY_EXAMPLE = 'sla_3q2-7wEjR2mS0YkXl4m0s9Kf8Xo1v2bT6eQdJc5aN0A';

type NewKeyAnswer = KeySummary & { readonly key: string };

@ApiTags('api keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly commands: CommandRunner,
  ) {}

  @Post()
  @Allow(...ADMINS)
  @ApiBody({ schema: jsonSchemaOf(createKeySchema), examples: { agent: { value: { name: 'alice', role: 'agent' } } } })
  @ApiCreatedResponse({
    description: 'The new key, shown this once; only its SHA-256 is stored.',
    schema: { example: { ...SUMMARY_EXAMPLE, key: KEY_EXAMPLE } },
  })
  async create(
    @Body(new ZodBodyPipe(createKeySchema)) body: BodyOf<typeof createKeySchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<NewKeyAnswer> {
    const { summary, key } = await this.keys.issue(body.name, body.role, 'issued', this.commands.metadata(caller));
    return { ...summary, key };
  }

  @Get()
  @Allow(...ADMINS)
  @ApiOkResponse({
    description: 'Every key, revoked ones included, without its secret.',
    schema: { example: [SUMMARY_EXAMPLE] },
  })
  list(): Promise<KeySummary[]> {
    return this.keys.list();
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Allow(...ADMINS)
  @ApiBody({ schema: jsonSchemaOf(revokeKeySchema), examples: { revoke: { value: {} } } })
  @ApiOkResponse({
    description: 'The key, refused from now on by every process.',
    schema: { example: { ...SUMMARY_EXAMPLE, revokedAt: '2026-11-30T16:00:00.000Z' } },
  })
  revoke(
    @Param('id', keyId) id: string,
    @Body(new ZodBodyPipe(revokeKeySchema)) _body: BodyOf<typeof revokeKeySchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<KeySummary> {
    return this.keys.revoke(id, this.commands.metadata(caller));
  }

  @Post(':id/rotate')
  @Allow(...ADMINS)
  @ApiBody({ schema: jsonSchemaOf(rotateKeySchema), examples: { hour: { value: { graceMinutes: 60 } } } })
  @ApiCreatedResponse({
    description: 'The new secret, shown this once; the previous one is accepted until previousKeyValidUntil.',
    schema: { example: { ...SUMMARY_EXAMPLE, previousKeyValidUntil: '2026-11-30T16:00:00.000Z', key: KEY_EXAMPLE } },
  })
  async rotate(
    @Param('id', keyId) id: string,
    @Body(new ZodBodyPipe(rotateKeySchema)) body: BodyOf<typeof rotateKeySchema>,
    @CurrentCaller() caller: Caller,
  ): Promise<NewKeyAnswer> {
    const { summary, key } = await this.keys.rotate(id, body.graceMinutes, this.commands.metadata(caller));
    return { ...summary, key };
  }
}
