import type { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { ProblemException } from './problem';

const instant = z.iso.datetime({ offset: true });

/** An optional ISO-8601 instant from a query parameter, normalised to UTC. */
export class OptionalInstantPipe implements PipeTransform<unknown, string | undefined> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (!instant.safeParse(value).success) {
      throw ProblemException.of(
        400,
        'invalid-request',
        `${this.name} must be an ISO-8601 instant such as 2026-11-30T15:00:00Z.`,
        {
          errors: [{ path: this.name, reason: 'expected an ISO-8601 instant' }],
        },
      );
    }
    return new Date(value as string).toISOString();
  }
}
