import type { Clock, Instant } from './clock';

/** The wall clock, for production. */
export class SystemClock implements Clock {
  now(): Instant {
    return new Date().toISOString();
  }
}
