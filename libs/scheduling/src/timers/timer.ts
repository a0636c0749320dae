import type { Instant } from '@app/clock';
import { InvalidTimerId, TIMER_KINDS } from '@app/domain';
import { z } from 'zod';

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
