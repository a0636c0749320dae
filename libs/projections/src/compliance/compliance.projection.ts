import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { asTicketEvent } from '../shared/domain-event';

/** ISO week of a UTC instant, e.g. `2026-W49`. */
export const isoWeekOf = (instant: string): string => {
  const day = new Date(instant.slice(0, 10) + 'T00:00:00.000Z');
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
};

/**
 * Compliance: one row per first response whose SLA applied (met or missed), with its plan, week and month (UTC: the
 * support hours of the first policy version fall on the same UTC date) and the business minutes it took.
 */
export const complianceProjection: Projection = {
  name: 'compliance',
  version: 2,
  tables: ['compliance_responses'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS compliance_responses (
        ticket_id TEXT PRIMARY KEY,
        plan TEXT NOT NULL,
        responded_at TEXT NOT NULL,
        week TEXT NOT NULL,
        month TEXT NOT NULL,
        is_met INTEGER NOT NULL,
        business_minutes REAL NOT NULL
      );
    `),
  bind: (db) => {
    const planOf = db.prepare<[string], { plan: string }>('SELECT plan FROM ticket_directory WHERE ticket_id = ?');
    const saveResponse = db.prepare(
      `INSERT OR REPLACE INTO compliance_responses (ticket_id, plan, responded_at, week, month, is_met, business_minutes)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const apply = (recorded: RecordedEvent): void => {
      const event = asTicketEvent(recorded);
      if (event?.type !== 'TicketResponded' || !event.data.isFirstResponse) return;
      const { data } = event;
      const plan = planOf.get(data.ticketId)?.plan;
      if (!plan || data.outcome === 'not-applicable') return;
      saveResponse.run(
        data.ticketId,
        plan,
        data.respondedAt,
        isoWeekOf(data.respondedAt),
        data.respondedAt.slice(0, 7),
        data.outcome === 'met' ? 1 : 0,
        data.businessMinutesTaken,
      );
    };
    return { apply };
  },
};
