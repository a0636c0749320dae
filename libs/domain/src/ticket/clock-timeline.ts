import type { Instant } from '@app/clock';
import {
  type Plan,
  type Policy,
  type PolicyLookup,
  planTerms,
  type Relaxation,
  type SupportCalendar,
} from '@app/policy';
import { type ClockStopReason, effectiveAllowanceMinutes, type SlaClockSnapshot } from './sla-clock';

/** Where a clock starts: the ticket's receipt, under the version that governs it. */
export interface ClockStart {
  readonly clockId: string;
  readonly startedAt: Instant;
  readonly policyVersion: string;
  readonly baseAllowanceMinutes: number;
}

/** A fact that changes a clock, dated when it occurred (not when it was recorded). */
export type ClockFact =
  | { readonly kind: 'relaxed'; readonly at: Instant; readonly relaxation: Relaxation }
  | { readonly kind: 'relaxation-ended'; readonly at: Instant }
  | { readonly kind: 'paused-for-training'; readonly at: Instant }
  | { readonly kind: 'resumed'; readonly at: Instant }
  | { readonly kind: 'extended'; readonly at: Instant; readonly minutes: number }
  | {
      readonly kind: 'replanned';
      readonly at: Instant;
      readonly policyVersion: string;
      readonly baseAllowanceMinutes: number;
      readonly relaxation?: Relaxation;
    }
  | { readonly kind: 'stopped'; readonly at: Instant; readonly reason: ClockStopReason };

/** Keeps facts in occurrence order; facts of the same instant stay in the order they were recorded. */
export const insertFact = (facts: readonly ClockFact[], fact: ClockFact): readonly ClockFact[] => {
  const at = Date.parse(fact.at);
  let index = facts.length;
  while (index > 0 && Date.parse((facts[index - 1] as ClockFact).at) > at) index--;
  return [...facts.slice(0, index), fact, ...facts.slice(index)];
};

/** Whole milliseconds, so that repeated sums of fractional minutes do not drift. */
export const roundMinutes = (minutes: number): number => Math.round(minutes * 60_000) / 60_000;

interface Stretch {
  readonly from: Instant;
  /** `null`: the clock still runs. */
  readonly to: Instant | null;
  readonly calendar: SupportCalendar;
}

/** A clock's course: the stretches it ran and the terms in force after the last fact considered. */
export interface ClockCourse {
  readonly stretches: readonly Stretch[];
  readonly policy: Policy;
  readonly baseAllowanceMinutes: number;
  readonly relaxation?: Relaxation;
  readonly extensionMinutes: number;
  readonly allowanceMinutes: number;
  readonly isPausedForTraining: boolean;
  readonly stop: { readonly at: Instant; readonly reason: ClockStopReason } | null;
  /** The last instant at which the clock changed. */
  readonly changedAt: Instant;
}

export class ClockPolicyUnknown extends Error {
  constructor(readonly version: string) {
    super(`policy version ${version} is not in the policy book`);
  }
}

const byVersion = (policies: PolicyLookup, version: string): Policy => {
  const policy = policies.byVersion(version);
  if (!policy) throw new ClockPolicyUnknown(version);
  return policy;
};

const latest = (a: Instant, b: Instant): Instant => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * Folds the facts that occurred by `upTo` (all of them without it) in occurrence order. The clock runs from its
 * start except while paused for training or suspended by a relaxation, and not after its first stop. A fact dated
 * before the start counts from the start.
 */
export const clockCourse = (
  start: ClockStart,
  facts: readonly ClockFact[],
  policies: PolicyLookup,
  upTo?: Instant,
): ClockCourse => {
  const until = upTo === undefined ? Infinity : Date.parse(upTo);
  let policy = byVersion(policies, start.policyVersion);
  let baseAllowanceMinutes = start.baseAllowanceMinutes;
  let relaxation: Relaxation | undefined;
  let extensionMinutes = 0;
  let isPausedForTraining = false;
  let stop: ClockCourse['stop'] = null;
  let changedAt = start.startedAt;
  const stretches: Stretch[] = [];
  let runningSince: Instant | null = start.startedAt;
  for (const fact of facts) {
    if (Date.parse(fact.at) > until) break;
    const at = latest(fact.at, start.startedAt);
    if (runningSince !== null && Date.parse(at) > Date.parse(runningSince)) {
      stretches.push({ from: runningSince, to: at, calendar: policy.calendar });
    }
    changedAt = at;
    switch (fact.kind) {
      case 'relaxed':
        relaxation = fact.relaxation;
        break;
      case 'relaxation-ended':
        relaxation = undefined;
        break;
      case 'paused-for-training':
        isPausedForTraining = true;
        break;
      case 'resumed':
        isPausedForTraining = false;
        break;
      case 'extended':
        extensionMinutes += fact.minutes;
        break;
      case 'replanned':
        policy = byVersion(policies, fact.policyVersion);
        baseAllowanceMinutes = fact.baseAllowanceMinutes;
        if (relaxation) relaxation = fact.relaxation ?? relaxation;
        break;
      case 'stopped':
        stop = { at, reason: fact.reason };
        break;
    }
    if (stop) {
      runningSince = null;
      break;
    }
    runningSince = !isPausedForTraining && relaxation?.mode !== 'suspend' ? at : null;
  }
  if (runningSince !== null) stretches.push({ from: runningSince, to: null, calendar: policy.calendar });
  return {
    stretches,
    policy,
    baseAllowanceMinutes,
    ...(relaxation ? { relaxation } : {}),
    extensionMinutes,
    allowanceMinutes: effectiveAllowanceMinutes(baseAllowanceMinutes, relaxation, extensionMinutes),
    isPausedForTraining,
    stop,
    changedAt,
  };
};

const stretchMinutes = ({ from, to, calendar }: Stretch): number =>
  to === null ? Infinity : calendar.supportMinutesBetween(from, to);

/** The earliest instant at which the support time the clock ran reaches `minutes`; `null` when it never does. */
export const reachedAt = (course: ClockCourse, minutes: number): Instant | null => {
  let counted = 0;
  for (const stretch of course.stretches) {
    const length = stretchMinutes(stretch);
    if (roundMinutes(counted + length) >= minutes) {
      const left = roundMinutes(minutes - counted);
      return left > 0 ? stretch.calendar.addSupportMinutes(stretch.from, left) : stretch.from;
    }
    counted = roundMinutes(counted + length);
  }
  return null;
};

/** Support minutes the clock ran in its closed stretches. */
const closedMinutes = (course: ClockCourse): number =>
  course.stretches.reduce(
    (sum, stretch) => (stretch.to === null ? sum : roundMinutes(sum + stretchMinutes(stretch))),
    0,
  );

const atRiskMinutes = (course: ClockCourse, plan: Plan): number =>
  (course.allowanceMinutes * planTerms(course.policy, plan).escalation.atRiskPercent) / 100;

/** POLICY §7: when the clock reaches the at-risk share of its allowance; `null` when it never does. */
export const atRiskReachedAt = (course: ClockCourse, plan: Plan): Instant | null =>
  reachedAt(course, atRiskMinutes(course, plan));

/** The clock as an event records it, from its course; `timerGeneration` is the caller's. */
export const snapshotOf = (
  clockId: string,
  course: ClockCourse,
  plan: Plan,
  timerGeneration: number,
): SlaClockSnapshot => {
  const last = course.stretches[course.stretches.length - 1];
  const isRunning = last !== undefined && last.to === null;
  const deadline = reachedAt(course, course.allowanceMinutes);
  const terms = {
    clockId,
    policyVersion: course.policy.version,
    calendarId: course.policy.calendar.id,
    baseAllowanceMinutes: course.baseAllowanceMinutes,
    ...(course.relaxation ? { relaxation: course.relaxation } : {}),
    extensionMinutes: course.extensionMinutes,
    allowanceMinutes: course.allowanceMinutes,
    elapsedMinutes: closedMinutes(course),
    asOf: isRunning ? last.from : (course.stop?.at ?? course.changedAt),
    isPausedForTraining: course.isPausedForTraining,
    timerGeneration,
  };
  const reached = deadline === null ? {} : { deadline };
  if (course.stop) return { ...terms, status: 'Stopped', stoppedBecause: course.stop.reason, ...reached };
  if (!isRunning || deadline === null) return { ...terms, status: 'Paused', ...reached };
  const atRiskDueAt = atRiskReachedAt(course, plan) ?? deadline;
  return { ...terms, status: 'Running', deadline, atRiskDueAt };
};
