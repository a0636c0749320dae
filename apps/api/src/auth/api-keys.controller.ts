import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { jsonSchemaOf } from '../http/openapi';
import { type BodyOf, ZodBodyPipe } from '../http/zod-body.pipe';
import { Allow } from './allow.decorator';
import { ApiKeysService, type KeySummary } from './api-keys.service';
import { ADMINS, ROLES } from './roles';

const createKeySchema = z.strictObject({
  name: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64'),
  role: z.enum(ROLES),
});

@ApiTags('api keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Allow(...ADMINS)
  @ApiBody({ schema: jsonSchemaOf(createKeySchema), examples: { agent: { value: { name: 'alice', role: 'agent' } } } })
  @ApiCreatedResponse({
    description: 'The new key, shown this once; only its SHA-256 is stored.',
    schema: { example: { name: 'alice', role: 'agent', key: 'sla_3q2-7wEjR2mS0YkXl4m0s9Kf8Xo1v2bT6eQdJc5aN0A' } },
  })
  create(@Body(new ZodBodyPipe(createKeySchema)) body: BodyOf<typeof createKeySchema>): {
    name: string;
    role: string;
    key: string;
  } {
    return { ...body, key: this.keys.create(body.name, body.role) };
  }

  @Get()
  @Allow(...ADMINS)
  @ApiOkResponse({
    description: 'Every key, without its secret.',
    schema: { example: [{ name: 'admin', role: 'admin', createdAt: '2026-11-30T15:00:00.000Z', source: 'file' }] },
  })
  list(): KeySummary[] {
    return this.keys.list();
  }
}
