import {
  endsFirstResponseWait,
  evolveTicket,
  isAwaitingFirstResponse,
  type OpenedTicket,
  RecordedIds,
  type TicketEvent,
  type TicketState,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection } from '../runner/projection';
import { asTicketEvent } from '../shared/domain-event';
import type { ReadModelDb } from '../runner/read-model-db';

/** A ticket awaiting its first response, open or out of scope, its clock running, paused or stopped. */
export type QueuedTicket = OpenedTicket & { readonly status: 'Open' | 'OutOfScope' };

/** An open ticket whose clock runs or is paused: what timers and the customer-standing fan-out start from. */
export type OpenClockTicket = OpenedTicket & { readonly status: 'Open' };

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

/** In order of precedence: what the queue shows of a ticket awaiting its first response. */
export const queueStatusOf = (ticket: QueuedTicket): QueueStatus => {
  const { clock } = ticket;
  if (ticket.status === 'OutOfScope') return 'out-of-scope';
  if (clock.status === 'Stopped') return 'waived';
  if (clock.breach) return 'breached';
  if (clock.isPausedForTraining) return 'paused-for-training';
  if (clock.atRiskAt) return 'at-risk';
  if (clock.relaxation) return 'relaxed';
  return 'on-track';
};

/** A ticket's state as stored: plain JSON; its recorded ids serialise as their array. */
export const reviveTicket = (stored: string): QueuedTicket => {
  const parsed = JSON.parse(stored) as QueuedTicket & { readonly recordedIds: readonly string[] };
  return { ...parsed, recordedIds: RecordedIds.of(parsed.recordedIds) };
};

const PRIORITY_RANK = { priority: 0, standard: 1 } as const;

/** The clocks that timers and the customer-standing fan-out follow; the queue also shows stopped ones. */
const OPEN_CLOCK = `clock_status IN ('Running', 'Paused') AND ticket_status = 'Open'`;

/**
 * Open clocks: each ticket awaiting its first response, with its customer, plan, policy version, clock status, timer
 * generation, next due instants, queue status and whole state (the domain's own fold of its events). Reconciling
 * timers and carrying a customer's standing to its tickets read the running and paused clocks here, the open queue
 * reads every row: what each costs follows the tickets open now, never the length of the log.
 */
export const openClocksProjection: Projection = {
  name: 'open_clocks',
  version: 2,
  tables: ['open_clocks'],
  migrate: (db) =>
    db.exec(`
      DROP TABLE IF EXISTS open_queue;
      DROP TABLE IF EXISTS open_queue_customers;
      CREATE TABLE IF NOT EXISTS open_clocks (
        ticket_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        plan TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        ticket_status TEXT NOT NULL,
        clock_status TEXT NOT NULL,
        timer_generation INTEGER NOT NULL,
        at_risk_due_at TEXT,
        deadline TEXT,
        queue_status TEXT NOT NULL,
        priority_rank INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS open_clocks_customer ON open_clocks (customer_id);
      DROP INDEX IF EXISTS open_clocks_deadline;
      CREATE INDEX IF NOT EXISTS open_clocks_due ON open_clocks (deadline, ticket_id);
    `),
  bind: (db) => {
    const load = db.prepare<[string], { state: string }>('SELECT state FROM open_clocks WHERE ticket_id = ?');
    const remove = db.prepare('DELETE FROM open_clocks WHERE ticket_id = ?');
    const save = db.prepare(
      `INSERT INTO open_clocks (ticket_id, customer_id, plan, policy_version, ticket_status, clock_status,
         timer_generation, at_risk_due_at, deadline, queue_status, priority_rank, received_at, state)
       VALUES (@ticketId, @customerId, @plan, @policyVersion, @ticketStatus, @clockStatus, @timerGeneration,
         @atRiskDueAt, @deadline, @queueStatus, @priorityRank, @receivedAt, @state)
       ON CONFLICT (ticket_id) DO UPDATE SET customer_id = excluded.customer_id, plan = excluded.plan,
         policy_version = excluded.policy_version, ticket_status = excluded.ticket_status,
         clock_status = excluded.clock_status, timer_generation = excluded.timer_generation,
         at_risk_due_at = excluded.at_risk_due_at, deadline = excluded.deadline,
         queue_status = excluded.queue_status, priority_rank = excluded.priority_rank,
         received_at = excluded.received_at, state = excluded.state`,
    );
    // A ticket's events mostly come close together: each batch keeps the events it brings per ticket and writes each
    // ticket once. A ticket answered or resolved in the batch leaves for good, so its events are not even folded.
    const touched = new Map<string, { events: TicketEvent[]; hasLeft: boolean }>();
    const apply = (recorded: RecordedEvent): void => {
      const event = asTicketEvent(recorded);
      if (!event) return;
      const ticket = touched.get(event.data.ticketId) ?? { events: [], hasLeft: false };
      touched.set(event.data.ticketId, ticket);
      if (ticket.hasLeft) return;
      if (endsFirstResponseWait(event)) ticket.hasLeft = true;
      else ticket.events.push(event);
    };
    const stored = (ticketId: string): TicketState | undefined => {
      const row = load.get(ticketId);
      return row ? reviveTicket(row.state) : undefined;
    };
    // A ticket the batch meets before it is opened has no state yet: its events are ignored, as they change nothing.
    const fold = (ticketId: string, events: readonly TicketEvent[]): TicketState | undefined =>
      events.reduce<TicketState | undefined>(
        (state, event) =>
          event.type === 'TicketOpened'
            ? evolveTicket({ status: 'NotOpened' }, event)
            : state && evolveTicket(state, event),
        events[0]?.type === 'TicketOpened' ? undefined : stored(ticketId),
      );
    const flush = (): void => {
      for (const [ticketId, { events, hasLeft }] of touched) {
        const state = hasLeft ? undefined : fold(ticketId, events);
        if (!state || !isAwaitingFirstResponse(state)) remove.run(ticketId);
        else {
          const { clock } = state;
          save.run({
            ticketId,
            customerId: state.customerId,
            plan: state.plan,
            policyVersion: clock.policyVersion,
            ticketStatus: state.status,
            clockStatus: clock.status,
            timerGeneration: clock.timerGeneration,
            atRiskDueAt: clock.status === 'Running' ? (clock.atRiskDueAt ?? null) : null,
            deadline: clock.status === 'Running' || clock.status === 'Paused' ? (clock.deadline ?? null) : null,
            queueStatus: queueStatusOf(state),
            priorityRank: PRIORITY_RANK[state.handlingPriority],
            receivedAt: state.receivedAt,
            state: JSON.stringify(state),
          });
        }
      }
      touched.clear();
    };
    return { apply, flush };
  },
};

const OPEN_CLOCKS_PAGE = 1_000;

/** Reads the open clocks; every query costs in proportion to the clocks open now, whatever the length of the log. */
export class OpenClocks {
  private readonly dueFrom: Statement<[string, string, number], { deadline: string; ticket_id: string; state: string }>;
  private readonly undatedFrom: Statement<[string, number], { ticket_id: string; state: string }>;
  private readonly ofCustomer: Statement<[string], { ticket_id: string }>;

  constructor(db: ReadModelDb) {
    this.dueFrom = db.prepare(
      `SELECT deadline, ticket_id, state FROM open_clocks
       WHERE ${OPEN_CLOCK} AND deadline IS NOT NULL AND (deadline, ticket_id) > (?, ?) ORDER BY deadline, ticket_id LIMIT ?`,
    );
    this.undatedFrom = db.prepare(
      `SELECT ticket_id, state FROM open_clocks WHERE ${OPEN_CLOCK} AND deadline IS NULL AND ticket_id > ?
       ORDER BY ticket_id LIMIT ?`,
    );
    this.ofCustomer = db.prepare(
      `SELECT ticket_id FROM open_clocks WHERE customer_id = ? AND ${OPEN_CLOCK} ORDER BY ticket_id`,
    );
  }

  /**
   * Every open clock's ticket, one at a time, the nearest deadline first. Read a page at a time, so that a reader may
   * wait between two (the connection stays free for the projections); a clock that moves meanwhile may be met twice or
   * missed, as the event that moved it is being followed anyway.
   */
  *tickets(): IterableIterator<OpenClockTicket> {
    for (let after = { deadline: '', ticket_id: '' }; ;) {
      const rows = this.dueFrom.all(after.deadline, after.ticket_id, OPEN_CLOCKS_PAGE);
      for (const row of rows) yield reviveTicket(row.state) as OpenClockTicket;
      if (rows.length < OPEN_CLOCKS_PAGE) break;
      after = rows[rows.length - 1] as typeof after;
    }
    for (let after = ''; ;) {
      const rows = this.undatedFrom.all(after, OPEN_CLOCKS_PAGE);
      for (const row of rows) yield reviveTicket(row.state) as OpenClockTicket;
      if (rows.length < OPEN_CLOCKS_PAGE) return;
      after = (rows[rows.length - 1] as { ticket_id: string }).ticket_id;
    }
  }

  ticketIdsOfCustomer(customerId: string): string[] {
    return this.ofCustomer.all(customerId).map((row) => row.ticket_id);
  }
}
