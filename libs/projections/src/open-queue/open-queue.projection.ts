import { assertNever, type SlaClockSnapshot, type TicketEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { asCustomerEvent, asTicketEvent } from '../shared/domain-event';

export const QUEUE_STATUSES = [
  'on-track',
  'at-risk',
  'breached',
  'paused-for-training',
  'relaxed',
  'out-of-scope',
  'waived',
] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** One ticket awaiting its first response, as the queue keeps it. */
export interface QueueEntry {
  readonly ticketId: string;
  readonly customerId: string;
  readonly plan: string;
  readonly handlingPriority: 'standard' | 'priority';
  readonly channel: string;
  readonly subject: string;
  /** The ticket's id in the helpdesk it was opened from. */
  readonly externalRef: { readonly source: string; readonly externalId: string } | null;
  readonly receivedAt: string;
  readonly policyVersion: string;
  readonly calendarId: string;
  readonly clock: SlaClockSnapshot;
  readonly isOutOfScope: boolean;
  readonly atRiskAt: string | null;
  readonly breachedAt: string | null;
  readonly escalatedAt: string | null;
}

export const statusOf = (entry: QueueEntry): QueueStatus => {
  if (entry.isOutOfScope) return 'out-of-scope';
  if (entry.clock.status === 'Stopped') return 'waived';
  if (entry.breachedAt) return 'breached';
  if (entry.clock.isPausedForTraining) return 'paused-for-training';
  if (entry.atRiskAt) return 'at-risk';
  if (entry.clock.relaxation) return 'relaxed';
  return 'on-track';
};

/** The next state of a ticket's queue entry: `null` once answered or resolved, `undefined` when unchanged. */
export const nextEntry = (entry: QueueEntry | undefined, event: TicketEvent): QueueEntry | null | undefined => {
  if (event.type === 'TicketOpened') {
    const { data } = event;
    return {
      ticketId: data.ticketId,
      customerId: data.customerId,
      plan: data.plan,
      handlingPriority: data.handlingPriority,
      channel: data.channel,
      subject: data.subject,
      externalRef: data.externalRef
        ? { source: data.externalRef.source, externalId: data.externalRef.externalId }
        : null,
      receivedAt: data.receivedAt,
      policyVersion: data.policyVersion,
      calendarId: data.calendarId,
      clock: data.sla,
      isOutOfScope: false,
      atRiskAt: null,
      breachedAt: null,
      escalatedAt: null,
    };
  }
  if (!entry) return undefined;
  switch (event.type) {
    case 'TicketResponded':
      return event.data.isFirstResponse ? null : undefined;
    case 'TicketResolved':
      return null;
    case 'TicketMarkedOutOfScope':
      return { ...entry, isOutOfScope: true, clock: event.data.sla };
    case 'TicketReplanned':
      return { ...entry, policyVersion: event.data.policyVersion, clock: event.data.sla };
    case 'SlaRelaxed':
    case 'SlaRelaxationEnded':
    case 'SlaClockPausedForTraining':
    case 'SlaClockResumed':
    case 'DeadlineWaived':
    case 'DeadlineExtended':
      return { ...entry, clock: event.data.sla };
    case 'SlaAtRisk':
      return { ...entry, atRiskAt: event.data.atRiskAt };
    case 'SlaBreached':
      return { ...entry, breachedAt: event.data.breachedAt };
    case 'SlaBreachEscalated':
      return { ...entry, escalatedAt: event.data.escalatedAt };
    case 'SlaAtRiskRetracted':
      return { ...entry, atRiskAt: null };
    case 'SlaBreachRetracted':
      return { ...entry, breachedAt: null };
    case 'SlaEscalationRetracted':
      return { ...entry, escalatedAt: null };
    case 'TicketCustomerFlaggedExcessive':
    case 'ProfessionalServicesOffered':
    case 'ProfessionalServicesBilled':
      return undefined;
    default:
      return assertNever(event, undefined);
  }
};

const PRIORITY_RANK = { priority: 0, standard: 1 } as const;

/**
 * Open queue: each ticket awaiting its first response, with its customer, plan, handling priority, channel, status
 * and deadline. Business minutes left depend on the time of the query, so the query computes them.
 */
export const openQueueProjection: Projection = {
  name: 'open_queue',
  version: 2,
  tables: ['open_queue', 'open_queue_customers'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS open_queue (
        ticket_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        plan TEXT NOT NULL,
        priority_rank INTEGER NOT NULL,
        status TEXT NOT NULL,
        deadline TEXT,
        received_at TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS open_queue_order ON open_queue (priority_rank, deadline, received_at);
      CREATE TABLE IF NOT EXISTS open_queue_customers (customer_id TEXT PRIMARY KEY, name TEXT NOT NULL);
    `),
  bind: (db) => {
    const load = db.prepare<[string], { entry: string }>('SELECT entry FROM open_queue WHERE ticket_id = ?');
    const remove = db.prepare('DELETE FROM open_queue WHERE ticket_id = ?');
    const save = db.prepare(
      `INSERT INTO open_queue (ticket_id, customer_id, plan, priority_rank, status, deadline, received_at, entry)
       VALUES (@ticketId, @customerId, @plan, @rank, @status, @deadline, @receivedAt, @entry)
       ON CONFLICT (ticket_id) DO UPDATE SET customer_id = excluded.customer_id, plan = excluded.plan,
         priority_rank = excluded.priority_rank, status = excluded.status, deadline = excluded.deadline,
         received_at = excluded.received_at, entry = excluded.entry`,
    );
    const saveCustomer = db.prepare(
      `INSERT INTO open_queue_customers (customer_id, name) VALUES (?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name`,
    );
    // A ticket's events mostly come close together: each batch keeps the entries it touches and writes them once.
    const touched = new Map<string, QueueEntry | null>();
    const entryOf = (ticketId: string): QueueEntry | undefined => {
      const kept = touched.get(ticketId);
      if (kept !== undefined) return kept ?? undefined;
      const stored = load.get(ticketId);
      return stored ? (JSON.parse(stored.entry) as QueueEntry) : undefined;
    };
    const apply = (recorded: RecordedEvent): void => {
      const customerEvent = asCustomerEvent(recorded);
      if (customerEvent?.type === 'CustomerRegistered') {
        saveCustomer.run(customerEvent.data.customerId, customerEvent.data.name);
        return;
      }
      const event = asTicketEvent(recorded);
      if (!event) return;
      const next = nextEntry(event.type === 'TicketOpened' ? undefined : entryOf(event.data.ticketId), event);
      if (next !== undefined) touched.set(event.data.ticketId, next);
    };
    const flush = (): void => {
      for (const [ticketId, entry] of touched) {
        if (entry === null) remove.run(ticketId);
        else
          save.run({
            ticketId,
            customerId: entry.customerId,
            plan: entry.plan,
            rank: PRIORITY_RANK[entry.handlingPriority],
            status: statusOf(entry),
            deadline: entry.clock.status === 'Running' ? entry.clock.deadline : null,
            receivedAt: entry.receivedAt,
            entry: JSON.stringify(entry),
          });
      }
      touched.clear();
    };
    return { apply, flush };
  },
};
