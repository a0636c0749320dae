import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

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
      content: problem,
    }),
    ApiResponse({
      status: 503,
      description:
        '`recorded-answer-unavailable`: the command is recorded but its answer could not be built; the problem names ' +
        'the ticket, customer or policy version. Read it, or repeat with the same Idempotency-Key after Retry-After; ' +
        'never send it again without one. With `event-store-unavailable` the store did not answer: repeating with ' +
        'the same Idempotency-Key is safe.',
      content: problem,
    }),
  );
