import type { PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs the engine gave out: anything else names nothing that exists. */
export class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly what: 'customer' | 'ticket' | 'api-key') {}

  transform(value: string): string {
    if (!UUID.test(value)) {
      throw ProblemException.of(404, `${this.what}-not-found`, `There is no ${this.what} ${value.slice(0, 100)}.`);
    }
    return value.toLowerCase();
  }
}
