import type { Instant } from '@app/clock';
import {
  assertNever,
  clockCourse,
  clockSnapshotOf,
  evolveTicket,
  occurredAt,
  initialTicketState,
  type SlaClockSnapshot,
  type TicketEvent,
  type TicketState,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Actor } from '@app/kernel';
import type { PolicyLookup, Relaxation } from '@app/policy';
import { DateTime } from 'luxon';
import { asTicketEvent } from '../shared/domain-event';

/** One recorded event with its metadata: who, when, under which policy version, caused by what. */
export interface HistoryEntry {
  readonly position: number;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  /** When the fact occurred (a ticket event), and when the engine recorded it. */
  readonly occurredAt: Instant | null;
  readonly recordedAt: Instant;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly schemaVersion: number;
  readonly policyVersion: string | null;
  readonly data: unknown;
}

export interface ConsumedSupportInterval {
  readonly start: Instant;
  readonly end: Instant;
  readonly minutes: number;
}

/** An event that set the first-response clock, and what the clock became. */
export interface DeadlineStep {
  readonly eventId: string;
  readonly position: number;
  readonly type: string;
  /** When the fact occurred, and when the engine recorded it: a fact reported late has one before the other. */
  readonly occurredAt: Instant;
  readonly recordedAt: Instant;
  readonly actor: Actor;
  readonly cause: string;
  readonly policyVersion: string;
  readonly calendarId: string;
  readonly status: SlaClockSnapshot['status'];
  readonly deadline: Instant | null;
  readonly baseAllowanceMinutes: number;
  readonly relaxation: Relaxation | null;
  readonly extensionMinutes: number;
  readonly allowanceMinutes: number;
  readonly elapsedMinutes: number;
  /** For a running clock: the support time it has left to consume, from `calendar.explain`, ending at the deadline. */
  readonly supportIntervals: readonly ConsumedSupportInterval[];
}

/** Why the deadline is what it is: the clock's terms now, and every step that shaped it. */
export interface DeadlineExplanation {
  readonly policyVersion: string;
  readonly calendar: { readonly id: string; readonly timeZone: string | null };
  readonly status: SlaClockSnapshot['status'];
  readonly deadline: Instant | null;
  readonly allowance: {
    readonly baseMinutes: number;
    readonly relaxation: Relaxation | null;
    readonly extensionMinutes: number;
    readonly effectiveMinutes: number;
  };
  readonly elapsedMinutes: number;
  readonly supportIntervals: readonly ConsumedSupportInterval[];
  readonly steps: readonly DeadlineStep[];
}

export interface TicketAsOf {
  readonly ticketId: string;
  /** The occurrence instant the ticket is shown at; `null`: every fact, whenever it occurred. */
  readonly asOf: Instant | null;
  /** Only the facts recorded by then; `null`: every recorded fact. */
  readonly knownAt: Instant | null;
  readonly eventsApplied: number;
  /** The ids of the events folded, in the order they were recorded. */
  readonly appliedEventIds: readonly string[];
  readonly lastPosition: number | null;
  readonly state: TicketState;
  readonly explanation: DeadlineExplanation | null;
}

export const historyEntry = (event: RecordedEvent): HistoryEntry => {
  const data = event.data as { policyVersion?: unknown; sla?: { policyVersion?: unknown } } | null;
  const policyVersion = data?.policyVersion ?? data?.sla?.policyVersion;
  const ticketEvent = asTicketEvent(event);
  return {
    position: event.position,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    occurredAt: ticketEvent ? occurredAt(ticketEvent) : null,
    recordedAt: event.metadata.recordedAt,
    actor: event.metadata.actor,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    schemaVersion: event.metadata.schemaVersion,
    policyVersion: typeof policyVersion === 'string' ? policyVersion : null,
    data: event.data,
  };
};

const slaOf = (event: TicketEvent): SlaClockSnapshot | undefined => {
  if (event.type === 'TicketResponded') return event.data.isFirstResponse ? event.data.sla : undefined;
  return 'sla' in event.data ? event.data.sla : undefined;
};

const relaxationText = (relaxation: Relaxation | undefined): string =>
  !relaxation ? 'none' : relaxation.mode === 'extend' ? `allowance ×${relaxation.factor}` : 'SLA suspended';

const causeOf = (event: TicketEvent, sla: SlaClockSnapshot): string => {
  switch (event.type) {
    case 'TicketOpened':
      return `opened under policy ${event.data.policyVersion}: ${sla.allowanceMinutes} support minutes for a ${event.data.plan} ticket`;
    case 'TicketResponded':
      return event.data.isFirstResponse ? `first response, deadline ${event.data.outcome}` : 'response';
    case 'SlaRelaxed':
      return `customer flagged: ${relaxationText(sla.relaxation)}`;
    case 'SlaRelaxationEnded':
      return 'flag cleared: relaxation ended';
    case 'SlaClockPausedForTraining':
      return `training required: clock paused with ${event.data.remainingMinutes} support minutes left`;
    case 'SlaClockResumed':
      return `clock resumed with ${event.data.remainingMinutes} support minutes left`;
    case 'TicketMarkedOutOfScope':
      return `out of scope (${event.data.category}): clock stopped`;
    case 'DeadlineWaived':
      return `deadline waived by ${event.data.waivedBy} (${event.data.waivedByRole}): ${event.data.reason}`;
    case 'DeadlineExtended':
      return `deadline extended by ${event.data.extensionMinutes} support minutes by ${event.data.extendedBy} (${event.data.extendedByRole}): ${event.data.reason}`;
    case 'TicketReplanned':
      return `re-planned from policy ${event.data.previousPolicyVersion} to ${event.data.policyVersion} by ${event.data.replannedBy}`;
    case 'TicketResolved':
      return 'resolved: clock stopped';
    case 'TicketCustomerFlaggedExcessive':
    case 'ProfessionalServicesOffered':
    case 'ProfessionalServicesBilled':
    case 'SlaAtRisk':
    case 'SlaBreached':
    case 'SlaBreachEscalated':
    case 'SlaAtRiskRetracted':
    case 'SlaBreachRetracted':
    case 'SlaEscalationRetracted':
      return event.type;
    default:
      return assertNever(event, '');
  }
};

// Each step lists the support time it has left, so a ticket extended again and again lists ever more intervals: skip
// luxon's zone conversion and formatting for each of them.
const toInstant = (dateTime: DateTime): Instant => new Date(dateTime.toMillis()).toISOString();

const intervalsLeft = (sla: SlaClockSnapshot, policies: PolicyLookup): ConsumedSupportInterval[] => {
  const calendar = policies.byVersion(sla.policyVersion)?.calendar;
  const remaining = sla.allowanceMinutes - sla.elapsedMinutes;
  if (sla.status !== 'Running' || !calendar || remaining <= 0) return [];
  return calendar.businessCalendar
    .explain(DateTime.fromISO(sla.asOf, { zone: 'utc' }), remaining)
    .map(({ start, end, minutes }) => ({ start: toInstant(start), end: toInstant(end), minutes }));
};

const stepOf = (
  recorded: RecordedEvent,
  event: TicketEvent,
  sla: SlaClockSnapshot,
  policies: PolicyLookup,
): DeadlineStep => ({
  eventId: recorded.id,
  position: recorded.position,
  type: recorded.type,
  occurredAt: occurredAt(event),
  recordedAt: recorded.metadata.recordedAt,
  actor: recorded.metadata.actor,
  cause: causeOf(event, sla),
  policyVersion: sla.policyVersion,
  calendarId: sla.calendarId,
  status: sla.status,
  deadline: sla.deadline ?? null,
  baseAllowanceMinutes: sla.baseAllowanceMinutes,
  relaxation: sla.relaxation ?? null,
  extensionMinutes: sla.extensionMinutes,
  allowanceMinutes: sla.allowanceMinutes,
  elapsedMinutes: sla.elapsedMinutes,
  supportIntervals: intervalsLeft(sla, policies),
});

const isBy = (instant: Instant, until: number): boolean => Date.parse(instant) <= until;

/** The clock as the facts that occurred by `asOf` make it, with the outcomes folded so far. */
const clockAsOf = (state: TicketState, asOf: Instant, policies: PolicyLookup): TicketState => {
  if (state.status === 'NotOpened') return state;
  const course = clockCourse(state.clockStart, state.clockFacts, policies, asOf);
  const sla = clockSnapshotOf(state.clock.clockId, course, state.plan, state.clock.timerGeneration);
  const { atRiskAt, breach, escalatedAt } = state.clock;
  return { ...state, clock: { ...sla, atRiskAt, breach, escalatedAt } };
};

/**
 * The ticket as it stood at `asOf` on the occurrence axis: folded from every fact that occurred by then, including
 * facts recorded later, unless `knownAt` keeps only those recorded by that instant (`asOf = knownAt` is what the
 * engine believed at the time). With the explanation of its first-response deadline: the recorded deadlines, each
 * with when its fact occurred and when it was recorded; the calendar only lists the support time they consume.
 */
export const replayTicket = (
  ticketId: string,
  events: readonly RecordedEvent[],
  asOf: Instant | undefined,
  policies: PolicyLookup,
  knownAt?: Instant,
): TicketAsOf => {
  const occurredBy = asOf === undefined ? Infinity : Date.parse(asOf);
  const recordedBy = knownAt === undefined ? Infinity : Date.parse(knownAt);
  let state: TicketState = initialTicketState;
  const applied: string[] = [];
  let lastPosition: number | null = null;
  const steps: { recorded: RecordedEvent; event: TicketEvent; sla: SlaClockSnapshot }[] = [];
  for (const recorded of events) {
    if (!isBy(recorded.metadata.recordedAt, recordedBy)) continue;
    const event = asTicketEvent(recorded);
    if (!event || !isBy(occurredAt(event), occurredBy)) continue;
    state = evolveTicket(state, event);
    applied.push(recorded.id);
    lastPosition = recorded.position;
    const sla = slaOf(event);
    if (sla) steps.push({ recorded, event, sla });
  }
  if (asOf !== undefined) state = clockAsOf(state, asOf, policies);
  const explained = steps.map(({ recorded, event, sla }) => stepOf(recorded, event, sla, policies));
  const sla = state.status === 'NotOpened' ? undefined : state.clock;
  const explanation: DeadlineExplanation | null = sla
    ? {
        policyVersion: sla.policyVersion,
        calendar: {
          id: sla.calendarId,
          timeZone: policies.byVersion(sla.policyVersion)?.calendar.timeZone ?? null,
        },
        status: sla.status,
        deadline: sla.deadline ?? null,
        allowance: {
          baseMinutes: sla.baseAllowanceMinutes,
          relaxation: sla.relaxation ?? null,
          extensionMinutes: sla.extensionMinutes,
          effectiveMinutes: sla.allowanceMinutes,
        },
        elapsedMinutes: sla.elapsedMinutes,
        supportIntervals: intervalsLeft(sla, policies),
        steps: explained,
      }
    : null;
  return {
    ticketId,
    asOf: asOf ?? null,
    knownAt: knownAt ?? null,
    eventsApplied: applied.length,
    appliedEventIds: applied,
    lastPosition,
    state,
    explanation,
  };
};
