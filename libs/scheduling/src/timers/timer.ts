import type { Instant } from '@app/clock';
import { z } from 'zod';

export const TIMER_KINDS = ['at-risk', 'breach', 'escalation'] as const;

/** What a timer wakes the engine up for (POLICY §7). */
export type TimerKind = (typeof TIMER_KINDS)[number];

const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not an ISO-8601 instant' });

/** What a fired timer carries: enough to find the clock and to tell a stale timer from a current one. */
export const timerPayloadSchema = z.object({
  kind: z.enum(TIMER_KINDS),
  ticketId: z.string().min(1),
  clockId: z.string().min(1),
  generation: z.number().int().nonnegative(),
  dueAt: instant,
  recipients: z.array(z.string()).readonly().optional(),
});

export type TimerPayload = Readonly<z.infer<typeof timerPayloadSchema>>;

/** A timer to schedule: its deterministic id, when it is due, what it carries. */
export interface Timer {
  readonly id: string;
  readonly dueAt: Instant;
  readonly payload: TimerPayload;
}

/** A timer id or id part that would break the id scheme (STYLE §4: no `:`; `__` separates the parts). */
export class InvalidTimerId extends Error {
  readonly code = 'invalid-timer-id';
  constructor(readonly value: string) {
    super(`not usable in a timer id (empty, or contains ':' or '__'): ${JSON.stringify(value)}`);
  }
}

const isValidPart = (part: string): boolean => part.length > 0 && !part.includes(':') && !part.includes('__');

/** `<kind>__<ticketId>__<clockId>__<generation>`, e.g. `breach__t-42__first-response__3`. */
export const timerId = (kind: TimerKind, ticketId: string, clockId: string, generation: number): string => {
  const bad = [ticketId, clockId].find((part) => !isValidPart(part));
  if (bad !== undefined) throw new InvalidTimerId(bad);
  return `${kind}__${ticketId}__${clockId}__${generation}`;
};

export const assertValidTimerId = (id: string): void => {
  if (id.length === 0 || id.includes(':')) throw new InvalidTimerId(id);
};

/** A due instant that is not an ISO-8601 instant: scheduling it would fire at an arbitrary time. */
export class InvalidDueInstant extends Error {
  readonly code = 'invalid-due-instant';
  constructor(readonly value: string) {
    super(`not an ISO-8601 instant: ${JSON.stringify(value)}`);
  }
}

/** Milliseconds from `now` until `dueAt`, never negative (a timer due in the past fires at once). */
export const delayUntil = (dueAt: Instant, now: Instant): number => {
  const dueMs = Date.parse(dueAt);
  if (Number.isNaN(dueMs)) throw new InvalidDueInstant(dueAt);
  return Math.max(0, dueMs - Date.parse(now));
};
