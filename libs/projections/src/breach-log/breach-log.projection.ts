import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { asCustomerEvent, asTicketEvent } from '../shared/domain-event';

/**
 * Breach log: every breach and escalation, dated when it fell due and when it was detected, with the ticket's
 * customer, plan and reference in the helpdesk it came from; alerts are keyed by the event id. A retraction marks its entry, which stays for the audit.
 */
export const breachLogProjection: Projection = {
  name: 'breach_log',
  version: 4,
  tables: ['breach_log', 'breach_log_customers'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS breach_log_customers (customer_id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS breach_log (
        alert_id TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        plan TEXT NOT NULL,
        subject TEXT NOT NULL,
        external_ref TEXT,
        clock_id TEXT NOT NULL,
        deadline TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        detected_at TEXT NOT NULL,
        retracted_at TEXT,
        level INTEGER,
        recipients TEXT NOT NULL,
        policy_version TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS breach_log_by_time ON breach_log (occurred_at DESC, position DESC);
      -- a retraction finds its ticket's entries without scanning the whole log of breaches
      CREATE INDEX IF NOT EXISTS breach_log_by_ticket ON breach_log (ticket_id, clock_id, kind);
    `),
  bind: (db) => {
    const ticketOf = db.prepare<
      [string],
      { customer_id: string; plan: string; subject: string; external_ref: string | null }
    >('SELECT customer_id, plan, subject, external_ref FROM ticket_directory WHERE ticket_id = ?');
    const save = db.prepare(
      `INSERT OR IGNORE INTO breach_log (alert_id, position, kind, ticket_id, customer_id, plan, subject, external_ref,
         clock_id, deadline, occurred_at, detected_at, level, recipients, policy_version)
       VALUES (@alertId, @position, @kind, @ticketId, @customerId, @plan, @subject, @externalRef, @clockId, @deadline,
         @occurredAt, @detectedAt, @level, @recipients, @policyVersion)`,
    );
    const retract = db.prepare(
      `UPDATE breach_log SET retracted_at = @retractedAt
       WHERE ticket_id = @ticketId AND clock_id = @clockId AND kind = @kind AND retracted_at IS NULL`,
    );
    const saveCustomer = db.prepare('INSERT OR REPLACE INTO breach_log_customers (customer_id, name) VALUES (?, ?)');
    const apply = (recorded: RecordedEvent): void => {
      const customerEvent = asCustomerEvent(recorded);
      if (customerEvent?.type === 'CustomerRegistered') {
        saveCustomer.run(customerEvent.data.customerId, customerEvent.data.name);
        return;
      }
      const event = asTicketEvent(recorded);
      if (event?.type === 'SlaBreachRetracted' || event?.type === 'SlaEscalationRetracted') {
        const { ticketId, clockId, retractedAt } = event.data;
        retract.run({
          ticketId,
          clockId,
          retractedAt,
          kind: event.type === 'SlaBreachRetracted' ? 'breach' : 'escalation',
        });
        return;
      }
      if (event?.type !== 'SlaBreached' && event?.type !== 'SlaBreachEscalated') return;
      const ticket = ticketOf.get(event.data.ticketId);
      if (!ticket) return;
      const { data } = event;
      save.run({
        alertId: recorded.id,
        position: recorded.position,
        kind: event.type === 'SlaBreached' ? 'breach' : 'escalation',
        ticketId: data.ticketId,
        customerId: ticket.customer_id,
        plan: ticket.plan,
        subject: ticket.subject,
        externalRef: ticket.external_ref,
        clockId: data.clockId,
        deadline: data.deadline,
        occurredAt: event.type === 'SlaBreached' ? event.data.breachedAt : event.data.escalatedAt,
        detectedAt: data.detectedAt ?? recorded.metadata.recordedAt,
        level: event.type === 'SlaBreachEscalated' ? event.data.level : null,
        recipients: JSON.stringify(data.recipients),
        policyVersion: data.policyVersion,
      });
    };
    return { apply };
  },
};
