import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { asTicketEvent } from '../shared/domain-event';

/**
 * Who each ticket belongs to, as it was opened: the other read models look a ticket's customer, plan, subject and
 * reference in the helpdesk it came from (`external_ref`, JSON, `NULL` for none) up here. What it holds never changes once written, and the runner applies it first in each batch, so a model that
 * rebuilds alone still finds every ticket it meets.
 */
export const ticketDirectoryProjection: Projection = {
  name: 'ticket_directory',
  version: 2,
  tables: ['ticket_directory'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS ticket_directory (
        ticket_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        plan TEXT NOT NULL,
        subject TEXT NOT NULL,
        received_at TEXT NOT NULL,
        external_ref TEXT
      );
      CREATE INDEX IF NOT EXISTS ticket_directory_by_customer ON ticket_directory (customer_id, received_at);
    `),
  bind: (db) => {
    const save = db.prepare(
      `INSERT OR REPLACE INTO ticket_directory (ticket_id, customer_id, plan, subject, received_at, external_ref)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    return {
      apply: (recorded: RecordedEvent) => {
        const event = asTicketEvent(recorded);
        if (event?.type !== 'TicketOpened') return;
        const { data } = event;
        const ref = data.externalRef && { source: data.externalRef.source, externalId: data.externalRef.externalId };
        save.run(
          data.ticketId,
          data.customerId,
          data.plan,
          data.subject,
          data.receivedAt,
          ref ? JSON.stringify(ref) : null,
        );
      },
    };
  },
};
