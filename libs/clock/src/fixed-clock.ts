import type { Clock, Instant } from './clock';

export class InvalidInstant extends Error {
  constructor(readonly value: string) {
    super(`not an ISO-8601 instant: ${value}`);
  }
}

const toEpochMs = (instant: Instant): number => {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new InvalidInstant(instant);
  return ms;
};

/** A clock that stands still until set or advanced: for tests and simulations. */
export class FixedClock implements Clock {
  private epochMs: number;

  constructor(start: Instant) {
    this.epochMs = toEpochMs(start);
  }

  now(): Instant {
    return new Date(this.epochMs).toISOString();
  }

  set(instant: Instant): void {
    this.epochMs = toEpochMs(instant);
  }

  advance(ms: number): Instant {
    this.epochMs += ms;
    return this.now();
  }
}
