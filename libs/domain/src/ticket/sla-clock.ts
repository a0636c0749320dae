import type { Instant } from '@app/clock';
import type { Relaxation } from '@app/policy';

export const FIRST_RESPONSE_CLOCK = 'first-response';

export type ClockStopReason = 'responded' | 'out-of-scope' | 'waived' | 'resolved';

interface SlaTerms {
  readonly clockId: string;
  readonly policyVersion: string;
  readonly calendarId: string;
  /** The plan's allowance under `policyVersion`, before relaxation and extensions. */
  readonly baseAllowanceMinutes: number;
  /** The relaxation applied while the customer is flagged (POLICY §4); omitted when none. */
  readonly relaxation?: Relaxation;
  /** Sum of the extensions granted (POLICY §6). */
  readonly extensionMinutes: number;
  /** The allowance in force: base × relaxation factor + extensions. */
  readonly allowanceMinutes: number;
  /** Support minutes counted up to `asOf`; pauses do not count. */
  readonly elapsedMinutes: number;
  readonly asOf: Instant;
  readonly isPausedForTraining: boolean;
  /** Bumped by every change that replaces the clock's timers: a timer of an older generation is stale. */
  readonly timerGeneration: number;
}

/**
 * An SLA clock as an event records it: the result (status, deadline) with its inputs, so a replay never
 * recomputes it. `deadline` is the earliest instant at which the support time the clock ran reaches
 * `allowanceMinutes`; it may lie in the past. Running: `asOf` is when the clock last started to run, and
 * `elapsedMinutes` the support time it ran before.
 */
export type SlaClockSnapshot =
  | (SlaTerms & {
      readonly status: 'Running';
      readonly deadline: Instant;
      /** When the running time reaches the at-risk share of the allowance (POLICY §7); absent in older events. */
      readonly atRiskDueAt?: Instant;
    })
  /** `deadline`: the allowance ran out before the pause. */
  | (SlaTerms & { readonly status: 'Paused'; readonly deadline?: Instant })
  /** `deadline`: the allowance ran out before (or at) the stop. */
  | (SlaTerms & { readonly status: 'Stopped'; readonly stoppedBecause: ClockStopReason; readonly deadline?: Instant });

/** A clock in a ticket's state: its last snapshot and the alerts already recorded (each at most once). */
export type SlaClock = SlaClockSnapshot & {
  readonly atRiskAt: Instant | null;
  readonly breach: { readonly deadline: Instant; readonly breachedAt: Instant } | null;
  readonly escalatedAt: Instant | null;
};

export const effectiveAllowanceMinutes = (
  baseAllowanceMinutes: number,
  relaxation: Relaxation | undefined,
  extensionMinutes: number,
): number =>
  (relaxation?.mode === 'extend' ? baseAllowanceMinutes * relaxation.factor : baseAllowanceMinutes) + extensionMinutes;

export const isCounting = (terms: {
  readonly relaxation?: Relaxation;
  readonly isPausedForTraining: boolean;
}): boolean => !terms.isPausedForTraining && terms.relaxation?.mode !== 'suspend';
