/** A UTC instant as an ISO-8601 string with milliseconds, e.g. `2026-11-30T19:00:00.000Z`. */
export type Instant = string;

/** The only source of the current time. Inject it under {@link CLOCK}; never read the system clock directly. */
export interface Clock {
  now(): Instant;
}

/** Dependency-injection token for the {@link Clock}. */
export const CLOCK = Symbol('Clock');
