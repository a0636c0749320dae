import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ProblemException } from './problem';

/** A validated body: optional fields that were left out are absent, never `undefined`. */
export type BodyOf<Schema extends z.ZodType> = {
  [K in keyof z.output<Schema>]: Exclude<z.output<Schema>[K], undefined>;
};

const pathOf = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(body)';

/** Validates a request body against a strict zod schema: unknown fields, wrong types and missing fields are a 400. */
export class ZodBodyPipe<Schema extends z.ZodType> implements PipeTransform<unknown, BodyOf<Schema>> {
  constructor(private readonly schema: Schema) {}

  transform(value: unknown): BodyOf<Schema> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data as BodyOf<Schema>;
    const errors = result.error.issues.map((issue) => ({ path: pathOf(issue.path), reason: issue.message }));
    throw ProblemException.of(
      400,
      'invalid-request',
      `The request is not valid: ${errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}.`,
      { errors },
    );
  }
}
