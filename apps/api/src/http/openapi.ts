import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** The OpenAPI schema of a request body, generated from the zod schema that validates it. */
export const jsonSchemaOf = (schema: z.ZodType): SchemaObject => {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return jsonSchema as SchemaObject;
};

const problemSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', example: 'urn:sla-engine:problem:plan-not-eligible' },
    title: { type: 'string', example: 'Unprocessable request' },
    status: { type: 'integer', example: 422 },
    detail: { type: 'string', example: 'The premium plan needs at least 10 licences; the customer has 9.' },
    code: { type: 'string', example: 'plan-not-eligible' },
  },
  additionalProperties: true,
};

/** Serves the OpenAPI document at `/docs` (and its JSON at `/docs-json`). */
export const setUpOpenApi = (app: INestApplication): void => {
  const config = new DocumentBuilder()
    .setTitle('Support SLA engine')
    .setDescription(
      'Customers, tickets and policy versions. Every error is application/problem+json with a stable `code`. ' +
        'Commands accept an Idempotency-Key header.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: problemSchema },
  };
  SwaggerModule.setup('docs', app, document);
};
