import type { PipeTransform } from '@nestjs/common';
import { ProblemException } from './problem';

/** An optional whole number from a query parameter, within bounds. */
export class WholeNumberPipe implements PipeTransform<unknown, number | undefined> {
  constructor(
    private readonly name: string,
    private readonly min: number,
    private readonly max: number,
  ) {}

  transform(value: unknown): number | undefined {
    if (value === undefined) return undefined;
    const number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= this.min && number <= this.max)) {
      const reason = `expected a whole number from ${this.min} to ${this.max}`;
      throw ProblemException.of(400, 'invalid-request', `${this.name}: ${reason}.`, {
        errors: [{ path: this.name, reason }],
      });
    }
    return number;
  }
}
