import type { Instant } from '@app/clock';
import type { ExternalSlaOutcome, ExternalSlaTarget, ExternalSlaView, TicketState } from '@app/domain';
import type { PolicyLookup, Relaxation } from '@app/policy';
import type { DeadlineExplanation, TicketAsOf } from '../audit/ticket-audit';

export type EngineSlaOutcome =
  'met' | 'breached' | 'open' | 'paused' | 'waived' | 'out-of-scope' | 'resolved-unanswered' | 'not-applicable';

/** The engine's reading of a ticket's first-response clock, with what shaped its deadline. */
export interface EngineSlaView {
  readonly ticketId: string;
  readonly receivedAt: Instant;
  readonly deadline: Instant | null;
  readonly outcome: EngineSlaOutcome;
  readonly respondedAt: Instant | null;
  readonly explanation: DeadlineExplanation;
  readonly pauses: readonly ShadowPause[];
}

export interface ShadowPause {
  readonly pausedAt: Instant;
  readonly resumedAt: Instant | null;
}

/** Why the engine's deadline is what it is, for a ticket where it and the source's differ. */
export interface ShadowExplanation {
  readonly policyVersion: string;
  readonly calendarId: string;
  readonly timeZone: string | null;
  readonly allowance: {
    readonly baseMinutes: number;
    readonly relaxation: Relaxation | null;
    readonly extensionMinutes: number;
    readonly effectiveMinutes: number;
  };
  /** Closure dates of the engine's calendar from receipt to the later of the two deadlines. */
  readonly holidays: readonly string[];
  readonly pauses: readonly ShadowPause[];
  /** The causes of the deadline's changes, in the order recorded. */
  readonly steps: readonly string[];
  readonly zendeskTarget: ExternalSlaTarget | null;
  /** The differences in plain words. */
  readonly reasons: readonly string[];
}

export interface ShadowRow {
  readonly ticketRef: string;
  readonly ticketId: string;
  readonly engine: {
    readonly deadline: Instant | null;
    readonly outcome: EngineSlaOutcome;
    readonly respondedAt: Instant | null;
  } | null;
  readonly zendesk: {
    readonly deadline: Instant | null;
    readonly outcome: ExternalSlaOutcome;
    readonly fulfilledAt: Instant | null;
  } | null;
  readonly differs: boolean;
  /** `deadlineMinutes`: the source's deadline minus the engine's, in calendar minutes (positive: the source's is later). */
  readonly difference: {
    readonly deadlineMinutes?: number;
    readonly outcome?: { readonly engine: EngineSlaOutcome; readonly zendesk: ExternalSlaOutcome };
  } | null;
  readonly explanation: ShadowExplanation | null;
}

export interface ShadowSummary {
  readonly compared: number;
  readonly agree: number;
  readonly differ: number;
  readonly onlyInZendesk: number;
  readonly onlyInEngine: number;
}

const MINUTE_MS = 60_000;
const isAtOrBefore = (a: Instant, b: Instant): boolean => Date.parse(a) <= Date.parse(b);

const pausesOf = (state: Exclude<TicketState, { status: 'NotOpened' }>): ShadowPause[] =>
  state.clockFacts.reduce<ShadowPause[]>((pauses, fact) => {
    if (fact.kind === 'paused-for-training') return [...pauses, { pausedAt: fact.at, resumedAt: null }];
    const last = pauses.at(-1);
    if (fact.kind === 'resumed' && last && last.resumedAt === null) {
      return [...pauses.slice(0, -1), { ...last, resumedAt: fact.at }];
    }
    return pauses;
  }, []);

/**
 * The engine's first-response deadline and outcome at `now`. The deadline is the clock's (while running, or once its
 * allowance ran out); for a clock stopped in time, the last deadline it had while running. Outcomes follow the
 * engine's rules: a response at or before the deadline meets it; a clock waived, out of scope or suspended has no
 * SLA; a running clock past its deadline with no response is breached.
 */
export const engineSlaView = (replay: TicketAsOf, now: Instant): EngineSlaView | null => {
  const { state, explanation } = replay;
  if (state.status === 'NotOpened' || explanation === null) return null;
  const { clock } = state;
  const lastRunningDeadline = explanation.steps.filter((step) => step.deadline !== null).at(-1)?.deadline ?? null;
  const deadline = clock.status === 'Paused' ? (clock.deadline ?? null) : (clock.deadline ?? lastRunningDeadline);
  const respondedAt = state.firstResponseAt;
  const outcome = ((): EngineSlaOutcome => {
    if (clock.relaxation?.mode === 'suspend') return 'not-applicable';
    if (clock.status === 'Stopped' && clock.stoppedBecause === 'waived') return 'waived';
    if (clock.status === 'Stopped' && clock.stoppedBecause === 'out-of-scope') return 'out-of-scope';
    if (respondedAt !== null) {
      if (deadline === null) return 'not-applicable';
      return isAtOrBefore(respondedAt, deadline) ? 'met' : 'breached';
    }
    if (clock.breach) return 'breached';
    if (clock.status === 'Paused') return 'paused';
    if (clock.status === 'Stopped') return 'resolved-unanswered';
    return isAtOrBefore(clock.deadline, now) ? 'breached' : 'open';
  })();
  return {
    ticketId: replay.ticketId,
    receivedAt: state.receivedAt,
    deadline,
    outcome,
    respondedAt,
    explanation,
    pauses: pausesOf(state),
  };
};

const later = (a: Instant | null, b: Instant | null): Instant | null =>
  a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;

const reasonsOf = (
  engine: EngineSlaView,
  zendesk: ExternalSlaView,
  holidays: readonly string[],
  deadlineMinutes: number | undefined,
): string[] => {
  const { explanation } = engine;
  const { allowance } = explanation;
  const target = zendesk.target;
  return [
    ...(deadlineMinutes === undefined
      ? []
      : [
          `Zendesk's deadline is ${Math.abs(deadlineMinutes)} minutes ${deadlineMinutes > 0 ? 'later' : 'earlier'} than the engine's`,
        ]),
    ...(target
      ? [
          `Zendesk's target is ${target.targetMinutes} ${target.isBusinessHours ? 'business-hour' : 'calendar'} minutes; the engine's allowance is ${allowance.effectiveMinutes} support minutes of calendar ${explanation.calendar.id} (${explanation.calendar.timeZone ?? 'unknown zone'})`,
        ]
      : []),
    ...(holidays.length ? [`the engine's calendar is closed on ${holidays.join(', ')}`] : []),
    ...(engine.pauses.length ? [`the engine's clock was paused ${engine.pauses.length} time(s) for training`] : []),
    ...(allowance.relaxation
      ? [
          `the customer is flagged: ${allowance.relaxation.mode === 'extend' ? `allowance ×${allowance.relaxation.factor}` : 'SLA suspended'}`,
        ]
      : []),
    ...(allowance.extensionMinutes
      ? [`the deadline was extended by ${allowance.extensionMinutes} support minutes`]
      : []),
    ...(engine.respondedAt !== zendesk.fulfilledAt
      ? [
          `the engine's first response is at ${engine.respondedAt ?? 'none'}, Zendesk's fulfil at ${zendesk.fulfilledAt ?? 'none'}`,
        ]
      : []),
    ...(engine.outcome === 'waived' || engine.outcome === 'out-of-scope'
      ? [`the engine's clock stopped: ${engine.outcome}`]
      : []),
  ];
};

/**
 * One ticket's comparison. The two agree when their outcomes are the same and their deadlines are less than a minute
 * apart (or both unknown); a ticket only one side knows differs. Only a difference is explained.
 */
export const compareShadow = (
  ticketRef: string,
  ticketId: string,
  engine: EngineSlaView | null,
  zendesk: ExternalSlaView | null,
  policies: PolicyLookup,
): ShadowRow => {
  const engineSide = engine && { deadline: engine.deadline, outcome: engine.outcome, respondedAt: engine.respondedAt };
  const zendeskSide = zendesk && {
    deadline: zendesk.deadline,
    outcome: zendesk.outcome,
    fulfilledAt: zendesk.fulfilledAt,
  };
  const base = { ticketRef, ticketId, engine: engineSide, zendesk: zendeskSide };
  if (!engine || !zendesk) return { ...base, differs: true, difference: null, explanation: null };
  const deltaMinutes =
    engine.deadline !== null && zendesk.deadline !== null
      ? (Date.parse(zendesk.deadline) - Date.parse(engine.deadline)) / MINUTE_MS
      : undefined;
  const isDeadlineDifferent =
    deltaMinutes === undefined
      ? (engine.deadline === null) !== (zendesk.deadline === null)
      : Math.abs(deltaMinutes) >= 1;
  const isOutcomeDifferent = engine.outcome !== zendesk.outcome;
  if (!isDeadlineDifferent && !isOutcomeDifferent)
    return { ...base, differs: false, difference: null, explanation: null };
  const deadlineMinutes = isDeadlineDifferent && deltaMinutes !== undefined ? Math.round(deltaMinutes) : undefined;
  const { explanation } = engine;
  const end = later(later(engine.deadline, zendesk.deadline), engine.respondedAt) ?? engine.receivedAt;
  const calendar = policies.byVersion(explanation.policyVersion)?.calendar;
  const holidays = calendar ? calendar.holidaysBetween(engine.receivedAt, end) : [];
  return {
    ...base,
    differs: true,
    difference: {
      ...(deadlineMinutes === undefined ? {} : { deadlineMinutes }),
      ...(isOutcomeDifferent ? { outcome: { engine: engine.outcome, zendesk: zendesk.outcome } } : {}),
    },
    explanation: {
      policyVersion: explanation.policyVersion,
      calendarId: explanation.calendar.id,
      timeZone: explanation.calendar.timeZone,
      allowance: explanation.allowance,
      holidays,
      pauses: engine.pauses,
      steps: explanation.steps.map((step) => step.cause),
      zendeskTarget: zendesk.target,
      reasons: reasonsOf(engine, zendesk, holidays, deadlineMinutes),
    },
  };
};

export const summariseShadow = (rows: readonly ShadowRow[]): ShadowSummary => {
  const compared = rows.filter((row) => row.engine && row.zendesk);
  const differ = compared.filter((row) => row.differs).length;
  return {
    compared: compared.length,
    agree: compared.length - differ,
    differ,
    onlyInZendesk: rows.filter((row) => !row.engine && row.zendesk).length,
    onlyInEngine: rows.filter((row) => row.engine && !row.zendesk).length,
  };
};

/** A row as one CSV line: both sides' columns, the difference, and the explanation's reasons joined by `; `. */
export interface ShadowCsvRow {
  readonly ticketRef: string;
  readonly ticketId: string;
  readonly differs: boolean;
  readonly engineDeadline: Instant | null;
  readonly engineOutcome: EngineSlaOutcome | null;
  readonly engineRespondedAt: Instant | null;
  readonly zendeskDeadline: Instant | null;
  readonly zendeskOutcome: ExternalSlaOutcome | null;
  readonly zendeskFulfilledAt: Instant | null;
  readonly deadlineDifferenceMinutes: number | null;
  readonly calendarId: string | null;
  readonly holidays: readonly string[];
  readonly reasons: readonly string[];
}

export const SHADOW_CSV_COLUMNS: readonly (keyof ShadowCsvRow & string)[] = [
  'ticketRef',
  'ticketId',
  'differs',
  'engineDeadline',
  'engineOutcome',
  'engineRespondedAt',
  'zendeskDeadline',
  'zendeskOutcome',
  'zendeskFulfilledAt',
  'deadlineDifferenceMinutes',
  'calendarId',
  'holidays',
  'reasons',
];

export const shadowCsvRow = (row: ShadowRow): ShadowCsvRow => ({
  ticketRef: row.ticketRef,
  ticketId: row.ticketId,
  differs: row.differs,
  engineDeadline: row.engine?.deadline ?? null,
  engineOutcome: row.engine?.outcome ?? null,
  engineRespondedAt: row.engine?.respondedAt ?? null,
  zendeskDeadline: row.zendesk?.deadline ?? null,
  zendeskOutcome: row.zendesk?.outcome ?? null,
  zendeskFulfilledAt: row.zendesk?.fulfilledAt ?? null,
  deadlineDifferenceMinutes: row.difference?.deadlineMinutes ?? null,
  calendarId: row.explanation?.calendarId ?? null,
  holidays: row.explanation?.holidays ?? [],
  reasons: row.explanation?.reasons ?? [],
});
