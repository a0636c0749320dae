import { evolveTicket, type OpenedTicket, RecordedIds, type TicketState } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection } from '../runner/projection';
import { asTicketEvent } from '../shared/domain-event';
import type { ReadModelDb } from '../runner/read-model-db';

/** An open ticket whose clock runs or is paused: what timers and the customer-standing fan-out start from. */
export type OpenClockTicket = OpenedTicket & { readonly status: 'Open' };

const isOpenClock = (state: TicketState): state is OpenClockTicket =>
  state.status === 'Open' && (state.clock.status === 'Running' || state.clock.status === 'Paused');

/** A ticket's state as stored: plain JSON; its recorded ids serialise as their array. */
const revive = (stored: string): OpenClockTicket => {
  const parsed = JSON.parse(stored) as OpenClockTicket & { readonly recordedIds: readonly string[] };
  return { ...parsed, recordedIds: RecordedIds.of(parsed.recordedIds) };
};

/**
 * Open clocks: each open ticket whose clock is running or paused, with its customer, plan, policy version, timer
 * generation and next due instants, and its whole state, so that reconciling timers or carrying a customer's standing
 * to its tickets reads the clocks open now, never the log.
 */
export const openClocksProjection: Projection = {
  name: 'open_clocks',
  version: 1,
  tables: ['open_clocks'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS open_clocks (
        ticket_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        plan TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        clock_status TEXT NOT NULL,
        timer_generation INTEGER NOT NULL,
        at_risk_due_at TEXT,
        deadline TEXT,
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
      `INSERT INTO open_clocks (ticket_id, customer_id, plan, policy_version, clock_status, timer_generation,
         at_risk_due_at, deadline, state)
       VALUES (@ticketId, @customerId, @plan, @policyVersion, @clockStatus, @timerGeneration, @atRiskDueAt, @deadline,
         @state)
       ON CONFLICT (ticket_id) DO UPDATE SET customer_id = excluded.customer_id, plan = excluded.plan,
         policy_version = excluded.policy_version, clock_status = excluded.clock_status,
         timer_generation = excluded.timer_generation, at_risk_due_at = excluded.at_risk_due_at,
         deadline = excluded.deadline, state = excluded.state`,
    );
    // A ticket's events mostly come close together: each batch keeps the states it touches and writes them once.
    const touched = new Map<string, TicketState>();
    const stateOf = (ticketId: string): TicketState | undefined => {
      const kept = touched.get(ticketId);
      if (kept !== undefined) return kept;
      const stored = load.get(ticketId);
      return stored ? revive(stored.state) : undefined;
    };
    const apply = (recorded: RecordedEvent): void => {
      const event = asTicketEvent(recorded);
      if (!event) return;
      const before = event.type === 'TicketOpened' ? { status: 'NotOpened' as const } : stateOf(event.data.ticketId);
      if (before) touched.set(event.data.ticketId, evolveTicket(before, event));
    };
    const flush = (): void => {
      for (const [ticketId, state] of touched) {
        if (!isOpenClock(state)) remove.run(ticketId);
        else {
          const { clock } = state;
          save.run({
            ticketId,
            customerId: state.customerId,
            plan: state.plan,
            policyVersion: clock.policyVersion,
            clockStatus: clock.status,
            timerGeneration: clock.timerGeneration,
            atRiskDueAt: clock.status === 'Running' ? (clock.atRiskDueAt ?? null) : null,
            deadline: clock.status === 'Running' || clock.status === 'Paused' ? (clock.deadline ?? null) : null,
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
      `SELECT deadline, ticket_id, state FROM open_clocks WHERE deadline IS NOT NULL AND (deadline, ticket_id) > (?, ?)
       ORDER BY deadline, ticket_id LIMIT ?`,
    );
    this.undatedFrom = db.prepare(
      'SELECT ticket_id, state FROM open_clocks WHERE deadline IS NULL AND ticket_id > ? ORDER BY ticket_id LIMIT ?',
    );
    this.ofCustomer = db.prepare('SELECT ticket_id FROM open_clocks WHERE customer_id = ? ORDER BY ticket_id');
  }

  /**
   * Every open clock's ticket, one at a time, the nearest deadline first. Read a page at a time, so that a reader may
   * wait between two (the connection stays free for the projections); a clock that moves meanwhile may be met twice or
   * missed, as the event that moved it is being followed anyway.
   */
  *tickets(): IterableIterator<OpenClockTicket> {
    for (let after = { deadline: '', ticket_id: '' }; ;) {
      const rows = this.dueFrom.all(after.deadline, after.ticket_id, OPEN_CLOCKS_PAGE);
      for (const row of rows) yield revive(row.state);
      if (rows.length < OPEN_CLOCKS_PAGE) break;
      after = rows[rows.length - 1] as typeof after;
    }
    for (let after = ''; ;) {
      const rows = this.undatedFrom.all(after, OPEN_CLOCKS_PAGE);
      for (const row of rows) yield revive(row.state);
      if (rows.length < OPEN_CLOCKS_PAGE) return;
      after = (rows[rows.length - 1] as { ticket_id: string }).ticket_id;
    }
  }

  ticketIdsOfCustomer(customerId: string): string[] {
    return this.ofCustomer.all(customerId).map((row) => row.ticket_id);
  }
}
