import { randomUUID } from 'node:crypto';
import { anSla, aStanding } from '@app/domain/test-support/ticket-builders';
import type { Instant } from '@app/clock';
import { type SlaClockSnapshot, type TicketCommand, ticketDecider, ticketStream } from '@app/domain';
import { type EventStore, handleCommand } from '@app/event-store';
import { firstPolicyVersionDocument, parsePolicyVersion, type Policy, type PolicyLookup } from '@app/policy';

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

/** A running first-response clock under {@link roundTheClockPolicy}, its at-risk instant left to the policy. */
export const aRoundTheClockSla = (o: {
  readonly asOf: Instant;
  readonly deadline: Instant;
  readonly allowanceMinutes: number;
}) =>
  anSla({
    policyVersion: 'round-the-clock',
    calendarId: 'round-the-clock',
    baseAllowanceMinutes: o.allowanceMinutes,
    allowanceMinutes: o.allowanceMinutes,
    asOf: o.asOf,
    deadline: o.deadline,
    timerGeneration: 1,
    atRiskDueAt: null,
  }) as Extract<SlaClockSnapshot, { status: 'Running' }>;

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
    ticketDecider(command, { policies, customer: aStanding({ customerId: 'c-1', plan: 'standard', licences: 1 }) }),
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
