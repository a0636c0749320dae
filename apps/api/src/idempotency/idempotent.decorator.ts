import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** A command endpoint: it accepts an Idempotency-Key header. */
export const Idempotent = (): MethodDecorator =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any 1 to 255 visible ASCII characters. The same key with the same request returns the first answer again ' +
        'without appending anything; with a different request it is refused with 422.',
    }),
    ApiResponse({
      status: 422,
      description: 'A policy refusal, or an Idempotency-Key reused for a different request.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    }),
  );
