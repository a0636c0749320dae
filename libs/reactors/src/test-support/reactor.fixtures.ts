import { randomUUID } from 'node:crypto';
import type { Instant } from '@app/clock';
import {
  type CustomerEvent,
  type CustomerStanding,
  type SlaClockSnapshot,
  type TicketCommand,
  ticketDecider,
  type TicketEvent,
  ticketStream,
} from '@app/domain';
import { type EventStore, handleCommand, type NewEvent } from '@app/event-store';
import {
  firstPolicyVersionDocument,
  parsePolicyVersion,
  type Policy,
  PolicyBook,
  type PolicyLookup,
} from '@app/policy';

export interface RoundTheClockTerms {
  readonly version?: string;
  readonly effectiveFrom?: Instant;
  /** Fractional minutes are allowed: 0.05 is three seconds. */
  readonly allowanceMinutes: number;
  readonly atRiskPercent?: number;
  readonly escalationDelayMinutes?: number;
}

/** A policy version document for tests: open 24/7 with no holidays, every plan with the same short allowance. */
export const roundTheClockPolicyDocument = (terms: RoundTheClockTerms): Record<string, unknown> => {
  const first = firstPolicyVersionDocument as {
    plans: Record<string, Record<string, unknown> & { escalation: Record<string, unknown> }>;
    calendar: Record<string, unknown>;
  };
  const plans = Object.fromEntries(
    Object.entries(first.plans).map(([name, plan]) => [
      name,
      {
        ...plan,
        firstResponseAllowance: { businessMinutes: terms.allowanceMinutes },
        escalation: {
          ...plan.escalation,
          atRiskPercent: terms.atRiskPercent ?? 75,
          escalationDelayBusinessMinutes: terms.escalationDelayMinutes ?? 1,
        },
      },
    ]),
  );
  const allDay = [['00:00', '24:00']];
  return {
    ...first,
    version: terms.version ?? 'round-the-clock',
    effectiveFrom: terms.effectiveFrom ?? '2020-01-01T00:00:00.000Z',
    plans,
    calendar: {
      id: 'round-the-clock',
      timeZone: 'UTC',
      weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
      holidays: { rules: 'none', easter: 'good-friday', weekendRule: 'none', extraClosures: [] },
    },
  };
};

export const roundTheClockPolicy = (terms: RoundTheClockTerms): Policy => {
  const policy = parsePolicyVersion(roundTheClockPolicyDocument(terms));
  if (policy instanceof Error) throw policy;
  return policy;
};

export const bookOf = (...policies: Policy[]): PolicyBook => {
  const book = PolicyBook.of(policies);
  if (book instanceof Error) throw book;
  return book;
};

/** A running first-response clock snapshot, as the ticket decider records it. */
export const aRunningClock = (fields: {
  readonly deadline: Instant;
  readonly asOf: Instant;
  readonly allowanceMinutes: number;
  readonly elapsedMinutes?: number;
  readonly timerGeneration?: number;
  readonly policyVersion?: string;
}): Extract<SlaClockSnapshot, { status: 'Running' }> => ({
  status: 'Running',
  clockId: 'first-response',
  policyVersion: fields.policyVersion ?? 'round-the-clock',
  calendarId: 'round-the-clock',
  baseAllowanceMinutes: fields.allowanceMinutes,
  extensionMinutes: 0,
  allowanceMinutes: fields.allowanceMinutes,
  elapsedMinutes: fields.elapsedMinutes ?? 0,
  asOf: fields.asOf,
  isPausedForTraining: false,
  timerGeneration: fields.timerGeneration ?? 1,
  deadline: fields.deadline,
});

export const aTicketOpened = (ticketId: string, sla: SlaClockSnapshot, receivedAt: Instant): TicketEvent => ({
  type: 'TicketOpened',
  data: {
    ticketId,
    customerId: 'c-1',
    channel: 'forum',
    subject: 'cannot log in',
    plan: 'standard',
    handlingPriority: 'standard',
    standing: { licences: 1, isPlanEligible: true, isFlagged: false, isTrainingRequired: false },
    policyVersion: sla.policyVersion,
    calendarId: sla.calendarId,
    receivedAt,
    openedBy: 'agent-1',
    openedAt: receivedAt,
    sla,
  },
});

/** An event to append to a store opened as the engine opens it, which sets its schema version. */
export const stored = (
  event: TicketEvent | CustomerEvent,
  recordedAt: Instant = '2026-11-30T15:00:00.000Z',
  actor: { readonly id: string; readonly role: string } = { id: 'test', role: 'agent' },
): NewEvent => ({
  id: randomUUID(),
  type: event.type,
  data: event.data,
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor,
    recordedAt,
  },
});

export const A_CUSTOMER: CustomerStanding = {
  customerId: 'c-1',
  plan: 'standard',
  licences: 1,
  isPlanEligible: true,
  isFlagged: false,
  isTrainingRequired: false,
};

/** Sends a ticket command as the API would, through `handleCommand`. */
export const sendTicketCommand = async (
  store: EventStore,
  policies: PolicyLookup,
  type: TicketCommand['type'],
  data: Record<string, unknown> & { readonly ticketId: string },
  now: Instant,
  actor: { readonly id: string; readonly role: string } = { id: 'lead-1', role: 'admin' },
) => {
  const meta = { commandId: randomUUID(), correlationId: randomUUID(), actor, now };
  const command = { type, data, metadata: meta } as TicketCommand;
  const result = await handleCommand(
    store,
    ticketStream(data.ticketId),
    ticketDecider(command, { policies, customer: A_CUSTOMER }),
    meta,
  );
  if (result.outcome === 'refused') throw result.refusal;
  return result;
};

export const openTicket = (
  store: EventStore,
  policies: PolicyLookup,
  ticketId: string,
  now: Instant,
  receivedAt: Instant = now,
) =>
  sendTicketCommand(
    store,
    policies,
    'OpenTicket',
    { ticketId, customerId: 'c-1', channel: 'forum', subject: 'help', receivedAt },
    now,
  );
