import type { Timer } from './timer';

/**
 * Wakes the engine up when a timer is due. Timers are hints: the event log decides what is true, so a timer that
 * fires late, twice or after its clock stopped must change nothing (the handler checks the ticket's state).
 */
export interface TimerScheduler {
  /** Schedules a timer; scheduling an id that is already pending does nothing. */
  schedule(timer: Timer): Promise<void>;
  /** Schedules many timers at once, with the same rule per id. */
  scheduleMany(timers: readonly Timer[]): Promise<void>;
  /** Cancels a pending timer; `false` when no timer with that id was pending. */
  cancel(id: string): Promise<boolean>;
  /** The timers not fired yet. */
  listPending(): Promise<readonly Timer[]>;
  /** The ids of the timers not fired yet: all reconciliation needs, without reading each timer. */
  listPendingIds(): Promise<readonly string[]>;
  close(): Promise<void>;
}

/** Which try of a fired timer this is: `attempt` is 1 on the first, a rejection at `maxAttempts` is the last. */
export interface TimerAttempt {
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** Called once per fired timer. A rejection is retried with exponential backoff. */
export type TimerHandler = (timer: Timer, attempt: TimerAttempt) => Promise<void>;
