import { assertNever, type SlaClockSnapshot, type TicketEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { asTicketEvent } from '../shared/domain-event';
import type { ReportClock } from './clock-outcome';

const withSnapshot = (clock: ReportClock, sla: SlaClockSnapshot): ReportClock => ({
  ...clock,
  policyVersion: sla.policyVersion,
  status: sla.status,
  stoppedBecause: sla.status === 'Stopped' ? sla.stoppedBecause : null,
  deadline: sla.status === 'Running' ? sla.deadline : null,
});

/** The next state of a ticket's first-response clock in the reports, `undefined` when unchanged. */
export const nextReportClock = (clock: ReportClock | undefined, event: TicketEvent): ReportClock | undefined => {
  if (event.type === 'TicketOpened') {
    const { data } = event;
    return withSnapshot(
      {
        ticketId: data.ticketId,
        customerId: data.customerId,
        plan: data.plan,
        channel: data.channel,
        policyVersion: data.policyVersion,
        receivedAt: data.receivedAt,
        status: 'Running',
        stoppedBecause: null,
        deadline: null,
        respondedAt: null,
        respondedBy: null,
        responseOutcome: null,
        supportMinutes: null,
        breachDeadline: null,
      },
      data.sla,
    );
  }
  if (!clock) return undefined;
  switch (event.type) {
    case 'TicketResponded': {
      const { data } = event;
      if (!data.isFirstResponse) return undefined;
      // The earliest first response is the one that counts, whenever it was recorded.
      if (clock.respondedAt && Date.parse(clock.respondedAt) <= Date.parse(data.respondedAt)) return undefined;
      return {
        ...withSnapshot(clock, data.sla),
        deadline: data.deadline ?? null,
        respondedAt: data.respondedAt,
        respondedBy: data.respondedBy,
        responseOutcome: data.outcome,
        supportMinutes: data.businessMinutesTaken,
      };
    }
    case 'SlaRelaxed':
    case 'SlaRelaxationEnded':
    case 'SlaClockPausedForTraining':
    case 'SlaClockResumed':
    case 'TicketMarkedOutOfScope':
    case 'DeadlineWaived':
    case 'DeadlineExtended':
    case 'TicketResolved':
    case 'TicketReplanned':
      return clock.respondedAt ? undefined : withSnapshot(clock, event.data.sla);
    case 'SlaBreached':
      return { ...clock, breachDeadline: event.data.deadline };
    // Late evidence showed the breach did not happen: the clock counts as its response or its deadline say.
    case 'SlaBreachRetracted':
      return { ...clock, breachDeadline: null };
    case 'TicketCustomerFlaggedExcessive':
    case 'ProfessionalServicesOffered':
    case 'ProfessionalServicesBilled':
    case 'SlaAtRisk':
    case 'SlaBreachEscalated':
    case 'SlaAtRiskRetracted':
    case 'SlaEscalationRetracted':
      return undefined;
    default:
      return assertNever(event, undefined);
  }
};

export interface ReportClockRow {
  readonly ticket_id: string;
  readonly customer_id: string;
  readonly plan: string;
  readonly channel: string;
  readonly policy_version: string;
  readonly received_at: string;
  readonly status: ReportClock['status'];
  readonly stopped_because: ReportClock['stoppedBecause'];
  readonly deadline: string | null;
  readonly responded_at: string | null;
  readonly responded_by: string | null;
  readonly response_outcome: ReportClock['responseOutcome'];
  readonly support_minutes: number | null;
  readonly breach_deadline: string | null;
}

export const REPORT_CLOCK_COLUMNS = `ticket_id, customer_id, plan, channel, policy_version, received_at, status,
  stopped_because, deadline, responded_at, responded_by, response_outcome, support_minutes, breach_deadline`;

export const reportClockOf = (row: ReportClockRow): ReportClock => ({
  ticketId: row.ticket_id,
  customerId: row.customer_id,
  plan: row.plan,
  channel: row.channel,
  policyVersion: row.policy_version,
  receivedAt: row.received_at,
  status: row.status,
  stoppedBecause: row.stopped_because,
  deadline: row.deadline,
  respondedAt: row.responded_at,
  respondedBy: row.responded_by,
  responseOutcome: row.response_outcome,
  supportMinutes: row.support_minutes,
  breachDeadline: row.breach_deadline,
});

/**
 * Reports: each ticket's first-response clock (the figures depend on the time of asking, so the query derives them),
 * every response with who gave it, and every professional-services entry billed.
 */
export const reportsProjection: Projection = {
  name: 'report',
  version: 1,
  tables: ['report_clocks', 'report_responses', 'report_billing'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS report_clocks (
        ticket_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        plan TEXT NOT NULL,
        channel TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL,
        stopped_because TEXT,
        deadline TEXT,
        responded_at TEXT,
        responded_by TEXT,
        response_outcome TEXT,
        support_minutes REAL,
        breach_deadline TEXT
      );
      CREATE INDEX IF NOT EXISTS report_clocks_by_customer ON report_clocks (customer_id);
      CREATE TABLE IF NOT EXISTS report_responses (
        response_id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL,
        responded_by TEXT NOT NULL,
        responded_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS report_billing (
        entry_id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        hours REAL NOT NULL,
        amount REAL NOT NULL,
        currency TEXT NOT NULL,
        billed_at TEXT NOT NULL
      );
    `),
  bind: (db) => {
    const load = db.prepare<[string], ReportClockRow>(
      `SELECT ${REPORT_CLOCK_COLUMNS} FROM report_clocks WHERE ticket_id = ?`,
    );
    const save = db.prepare(
      `INSERT OR REPLACE INTO report_clocks (${REPORT_CLOCK_COLUMNS})
       VALUES (@ticketId, @customerId, @plan, @channel, @policyVersion, @receivedAt, @status, @stoppedBecause,
         @deadline, @respondedAt, @respondedBy, @responseOutcome, @supportMinutes, @breachDeadline)`,
    );
    const saveResponse = db.prepare(
      `INSERT OR IGNORE INTO report_responses (response_id, ticket_id, responded_by, responded_at) VALUES (?, ?, ?, ?)`,
    );
    const saveBilling = db.prepare(
      `INSERT OR IGNORE INTO report_billing (entry_id, ticket_id, customer_id, hours, amount, currency, billed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // A ticket's events mostly come close together: each batch keeps the clocks it touches and writes them once.
    const touched = new Map<string, ReportClock>();
    const clockOf = (ticketId: string): ReportClock | undefined => {
      const kept = touched.get(ticketId);
      if (kept) return kept;
      const stored = load.get(ticketId);
      return stored && reportClockOf(stored);
    };
    const apply = (recorded: RecordedEvent): void => {
      const event = asTicketEvent(recorded);
      if (!event) return;
      const clock = event.type === 'TicketOpened' ? undefined : clockOf(event.data.ticketId);
      if (event.type === 'TicketResponded') {
        const { data } = event;
        saveResponse.run(data.responseId, data.ticketId, data.respondedBy, data.respondedAt);
      }
      if (event.type === 'ProfessionalServicesBilled' && clock) {
        const { data } = event;
        saveBilling.run(
          data.entryId,
          data.ticketId,
          clock.customerId,
          data.hours,
          data.amount,
          data.currency,
          data.billedAt,
        );
      }
      const next = nextReportClock(clock, event);
      if (next) touched.set(event.data.ticketId, next);
    };
    const flush = (): void => {
      for (const clock of touched.values()) save.run(clock);
      touched.clear();
    };
    return { apply, flush };
  },
};
