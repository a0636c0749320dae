import { CalendarError } from '@app/calendar';
import type { Instant } from '@app/clock';
import { suggestFlag, type FlagSuggestion } from '@app/domain';
import type { PolicyLookup, SupportCalendar } from '@app/policy';
import { type QueuedTicket, type QueueStatus, reviveTicket } from '../open-clocks/open-clocks.projection';
import type { ReadModelDb } from '../runner/read-model-db';

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** A ticket's id in the helpdesk it was opened from; `null` for a ticket opened through `POST /tickets`. */
export type TicketExternalRef = { readonly source: string; readonly externalId: string } | null;

export interface OpenQueueItem {
  readonly ticketId: string;
  readonly externalRef: TicketExternalRef;
  readonly customerId: string;
  readonly customerName: string | null;
  readonly plan: string;
  readonly handlingPriority: 'standard' | 'priority';
  readonly channel: string;
  readonly subject: string;
  readonly status: QueueStatus;
  readonly receivedAt: Instant;
  readonly deadline: Instant | null;
  /** At the time of the query; negative once the deadline has passed; `null` when the clock is stopped. */
  readonly businessMinutesLeft: number | null;
  /** Whether support time is passing at the time of the query: a page counts down only while it is. */
  readonly isCalendarOpen: boolean;
  readonly policyVersion: string;
  readonly atRiskAt: Instant | null;
  readonly breachedAt: Instant | null;
  readonly escalatedAt: Instant | null;
  /** Breached, then given a deadline that lies after the breach (an extension or a relaxation). */
  readonly isDeadlineExtendedAfterBreach: boolean;
  /** Set when this ticket's time left cannot be computed; the rest of the list is unaffected. */
  readonly problem: { readonly code: string; readonly detail: string } | null;
}

export interface OpenQueueFilter {
  readonly plan?: string | undefined;
  readonly status?: QueueStatus | undefined;
  readonly customerId?: string | undefined;
  readonly channel?: string | undefined;
  /** Part of the subject, the customer's name, the ticket id or its id in the helpdesk, in any case. */
  readonly search?: string | undefined;
}

export const QUEUE_SORTS = ['priority', 'deadline', 'received', 'customer'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** The queue shows the deadline of a running clock only; a paused or stopped one sorts after every deadline. */
const QUEUE_DEADLINE = `CASE WHEN q.clock_status = 'Running' THEN q.deadline END`;

const QUEUE_ORDER: Readonly<Record<QueueSort, string>> = {
  priority: `q.priority_rank, ${QUEUE_DEADLINE} IS NULL, ${QUEUE_DEADLINE}, q.received_at`,
  deadline: `${QUEUE_DEADLINE} IS NULL, ${QUEUE_DEADLINE}, q.priority_rank, q.received_at`,
  received: 'q.received_at, q.priority_rank',
  customer: `c.name IS NULL, lower(c.name), q.priority_rank, ${QUEUE_DEADLINE} IS NULL, ${QUEUE_DEADLINE}, q.received_at`,
};

export interface CustomerItem {
  readonly customerId: string;
  readonly name: string;
  readonly licences: number;
  readonly plan: string;
  readonly isPlanEligible: boolean;
  readonly requiredLicences: number | null;
  readonly isFlagged: boolean;
  readonly flagReason: string | null;
  readonly flaggedAt: Instant | null;
  readonly isTrainingRequired: boolean;
  readonly trainingCompletedAt: Instant | null;
  /** Its ids in other systems, by source: `{ zendesk: '8447346622462' }`. */
  readonly externalRefs: Readonly<Record<string, string>>;
  readonly usage: FlagSuggestion;
  readonly professionalServices: readonly { currency: string; hours: number; amount: number; entries: number }[];
}

export interface BreachLogItem {
  readonly alertId: string;
  readonly kind: 'breach' | 'escalation';
  readonly ticketId: string;
  readonly externalRef: TicketExternalRef;
  readonly customerId: string;
  readonly customerName: string | null;
  readonly plan: string;
  readonly subject: string;
  readonly deadline: Instant;
  /** When the outcome fell due: the deadline for a breach, the escalation delay after it for an escalation. */
  readonly occurredAt: Instant;
  /** When the engine recorded it; later than `occurredAt` after downtime or a late import. */
  readonly detectedAt: Instant;
  readonly level: number | null;
  readonly recipients: readonly string[];
  readonly policyVersion: string;
}

/** Every ticket awaiting its first response, with its customer's name once the customers model has it. */
const QUEUE_FROM = 'open_clocks q LEFT JOIN customers c USING (customer_id)';

interface QueueRow {
  readonly state: string;
  readonly queue_status: QueueStatus;
  readonly name: string | null;
}

const round = (minutes: number): number => Math.round(minutes * 100) / 100;

/** Answers the dashboards' questions from the read models; what depends on the time of asking is computed here. */
export class ReadModelQueries {
  constructor(
    private readonly db: ReadModelDb,
    private readonly policies: PolicyLookup,
  ) {}

  openQueue(
    filter: OpenQueueFilter,
    page: PageRequest,
    now: Instant,
    sort: QueueSort = 'priority',
  ): Page<OpenQueueItem> {
    const where = [
      ...(filter.plan ? ['q.plan = @plan'] : []),
      ...(filter.status ? ['q.queue_status = @status'] : []),
      ...(filter.customerId ? ['q.customer_id = @customerId'] : []),
      ...(filter.channel ? [`json_extract(q.state, '$.channel') = @channel`] : []),
      ...(filter.search
        ? [
            `(instr(lower(json_extract(q.state, '$.subject')), @search) > 0 OR instr(lower(c.name), @search) > 0
              OR instr(lower(q.ticket_id), @search) > 0
              OR instr(lower(coalesce(json_extract(q.state, '$.externalRef.externalId'), '')), @search) > 0)`,
          ]
        : []),
    ];
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const params = { ...filter, search: filter.search?.toLowerCase(), ...page };
    const from = QUEUE_FROM;
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM ${from} ${clause}`).get(params) as {
      total: number;
    };
    const rows = this.db
      .prepare(
        `SELECT q.state, q.queue_status, c.name FROM ${from}
         ${clause} ORDER BY ${QUEUE_ORDER[sort]}, q.ticket_id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as QueueRow[];
    const items = rows.map((row) => this.queueItem(row, now));
    return { items, total, ...page };
  }

  customers(
    filter: { readonly plan?: string | undefined; readonly isFlagged?: boolean | undefined },
    page: PageRequest,
    now: Instant,
  ): Page<CustomerItem> {
    const where = [
      ...(filter.plan ? ['plan = @plan'] : []),
      ...(filter.isFlagged === undefined ? [] : ['is_flagged = @flagged']),
    ];
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const params = { plan: filter.plan, flagged: filter.isFlagged ? 1 : 0, ...page };
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM customers ${clause}`).get(params) as {
      total: number;
    };
    const rows = this.db
      .prepare(`SELECT * FROM customers ${clause} ORDER BY name, customer_id LIMIT @limit OFFSET @offset`)
      .all(params) as CustomerRow[];
    return { items: rows.map((row) => this.customerItem(row, now)), total, ...page };
  }

  customer(customerId: string, now: Instant): CustomerItem | undefined {
    const row = this.db.prepare('SELECT * FROM customers WHERE customer_id = ?').get(customerId) as
      CustomerRow | undefined;
    return row && this.customerItem(row, now);
  }

  breachLog(
    filter: { readonly kind?: string | undefined; readonly ticketId?: string | undefined },
    page: PageRequest,
  ): Page<BreachLogItem> {
    // A breach or escalation that late evidence retracted did not happen: the log lists only those that did.
    const where = [
      'retracted_at IS NULL',
      ...(filter.kind ? ['kind = @kind'] : []),
      ...(filter.ticketId ? ['ticket_id = @ticketId'] : []),
    ];
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const params = { ...filter, ...page };
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM breach_log ${clause}`).get(params) as {
      total: number;
    };
    const rows = this.db
      .prepare(
        `SELECT b.*, c.name AS customer_name FROM breach_log b LEFT JOIN breach_log_customers c USING (customer_id)
         ${clause} ORDER BY occurred_at DESC, position DESC LIMIT @limit OFFSET @offset`,
      )
      .all(params) as BreachLogRow[];
    return { items: rows.map(breachLogItemOf), total, ...page };
  }

  /** The queue entry of one ticket, or `undefined` once it has left the queue. */
  queueEntry(ticketId: string, now: Instant): OpenQueueItem | undefined {
    const row = this.db
      .prepare(`SELECT q.state, q.queue_status, c.name FROM ${QUEUE_FROM} WHERE q.ticket_id = ?`)
      .get(ticketId) as QueueRow | undefined;
    return row && this.queueItem(row, now);
  }

  private queueItem(row: QueueRow, now: Instant): OpenQueueItem {
    const ticket = reviveTicket(row.state);
    const { clock } = ticket;
    const calendar = this.policies.byVersion(clock.policyVersion)?.calendar;
    const deadline = clock.status === 'Running' ? clock.deadline : null;
    const breachedAt = clock.breach?.breachedAt ?? null;
    const left = minutesLeft(ticket, calendar, now);
    return {
      ticketId: ticket.ticketId,
      externalRef: ticket.externalRef && {
        source: ticket.externalRef.source,
        externalId: ticket.externalRef.externalId,
      },
      customerId: ticket.customerId,
      customerName: row.name,
      plan: ticket.plan,
      handlingPriority: ticket.handlingPriority,
      channel: ticket.channel,
      subject: ticket.subject,
      status: row.queue_status,
      receivedAt: ticket.receivedAt,
      deadline,
      businessMinutesLeft: typeof left === 'number' ? left : null,
      isCalendarOpen: calendar?.isOpen(now) ?? false,
      policyVersion: clock.policyVersion,
      atRiskAt: clock.atRiskAt,
      breachedAt,
      escalatedAt: clock.escalatedAt,
      isDeadlineExtendedAfterBreach:
        breachedAt !== null && deadline !== null && Date.parse(deadline) > Date.parse(breachedAt),
      problem: left !== null && typeof left === 'object' ? left : null,
    };
  }

  private customerItem(row: CustomerRow, now: Instant): CustomerItem {
    const receivedAt = (
      this.db.prepare('SELECT received_at FROM ticket_directory WHERE customer_id = ?').all(row.customer_id) as {
        received_at: string;
      }[]
    ).map((ticket) => ticket.received_at);
    const policy = this.policies.byVersion(row.policy_version);
    const billing = this.db
      .prepare('SELECT currency, hours, amount, entries FROM customer_billing WHERE customer_id = ? ORDER BY currency')
      .all(row.customer_id) as { currency: string; hours: number; amount: number; entries: number }[];
    return {
      customerId: row.customer_id,
      name: row.name,
      licences: row.licences,
      plan: row.plan,
      isPlanEligible: row.is_plan_eligible === 1,
      requiredLicences: row.required_licences,
      isFlagged: row.is_flagged === 1,
      flagReason: row.flag_reason,
      flaggedAt: row.flagged_at,
      isTrainingRequired: row.is_training_required === 1,
      trainingCompletedAt: row.training_completed_at,
      externalRefs: JSON.parse(row.external_refs) as Record<string, string>,
      usage: policy
        ? suggestFlag({ licences: row.licences, ticketsReceivedAt: receivedAt, now }, policy)
        : { isSuggested: false, ticketsInWindow: 0, ticketsPerLicence: 0, threshold: 0, windowDays: 0 },
      professionalServices: billing,
    };
  }
}

interface CustomerRow {
  readonly customer_id: string;
  readonly name: string;
  readonly licences: number;
  readonly plan: string;
  readonly policy_version: string;
  readonly is_plan_eligible: number;
  readonly required_licences: number | null;
  readonly is_flagged: number;
  readonly flag_reason: string | null;
  readonly flagged_at: string | null;
  readonly is_training_required: number;
  readonly training_completed_at: string | null;
  readonly external_refs: string;
}

export interface BreachLogRow {
  readonly alert_id: string;
  readonly kind: 'breach' | 'escalation';
  readonly ticket_id: string;
  readonly external_ref: string | null;
  readonly customer_id: string;
  readonly customer_name: string | null;
  readonly plan: string;
  readonly subject: string;
  readonly deadline: string;
  readonly occurred_at: string;
  readonly detected_at: string;
  readonly level: number | null;
  readonly recipients: string;
  readonly policy_version: string;
}

/** The support minutes left at `now`, or the problem that keeps them from being computed for this one ticket. */
const minutesLeft = (
  { clock }: QueuedTicket,
  calendar: SupportCalendar | undefined,
  now: Instant,
): number | null | OpenQueueItem['problem'] => {
  if (clock.status === 'Paused') return round(clock.allowanceMinutes - clock.elapsedMinutes);
  if (clock.status !== 'Running' || !calendar) return null;
  try {
    return Date.parse(now) <= Date.parse(clock.deadline)
      ? round(calendar.supportMinutesBetween(now, clock.deadline))
      : -round(calendar.supportMinutesBetween(clock.deadline, now));
  } catch (error) {
    if (error instanceof CalendarError) return { code: error.code, detail: error.message };
    throw error;
  }
};

export const breachLogItemOf = (row: BreachLogRow): BreachLogItem => ({
  alertId: row.alert_id,
  kind: row.kind,
  ticketId: row.ticket_id,
  externalRef: row.external_ref === null ? null : (JSON.parse(row.external_ref) as TicketExternalRef),
  customerId: row.customer_id,
  customerName: row.customer_name,
  plan: row.plan,
  subject: row.subject,
  deadline: row.deadline,
  occurredAt: row.occurred_at,
  detectedAt: row.detected_at,
  level: row.level,
  recipients: JSON.parse(row.recipients) as string[],
  policyVersion: row.policy_version,
});

/**
 * The earliest deadline of a running clock that has passed with no breach recorded, or `null`: the timers' backlog
 * as the read models see it.
 */
export const oldestOverdueDeadline = (db: ReadModelDb, now: Instant): Instant | null =>
  (
    db
      .prepare(
        `SELECT min(deadline) AS deadline FROM open_clocks
         WHERE clock_status = 'Running' AND queue_status != 'breached' AND deadline < ?`,
      )
      .get(now) as { deadline: string | null }
  ).deadline;
