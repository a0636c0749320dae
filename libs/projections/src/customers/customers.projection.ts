import { assertNever } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Projection } from '../runner/projection';
import { asCustomerEvent, asTicketEvent } from '../shared/domain-event';

/**
 * Customers: their references in other systems, licences, plan, eligibility, flag and training (usage over a rolling window is counted from the ticket directory
 * at query time) and the professional-services hours and amounts billed per currency.
 */
export const customersProjection: Projection = {
  name: 'customers',
  version: 3,
  tables: ['customers', 'customer_billing'],
  migrate: (db) =>
    db.exec(`
      CREATE TABLE IF NOT EXISTS customers (
        customer_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        licences INTEGER NOT NULL,
        plan TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        is_plan_eligible INTEGER NOT NULL,
        required_licences INTEGER,
        is_flagged INTEGER NOT NULL,
        flag_reason TEXT,
        flagged_at TEXT,
        is_training_required INTEGER NOT NULL,
        training_completed_at TEXT,
        registered_at TEXT NOT NULL,
        external_refs TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS customer_billing (
        customer_id TEXT NOT NULL,
        currency TEXT NOT NULL,
        hours REAL NOT NULL,
        amount REAL NOT NULL,
        entries INTEGER NOT NULL,
        PRIMARY KEY (customer_id, currency)
      );
    `),
  bind: (db) => {
    const register = db.prepare(
      `INSERT OR REPLACE INTO customers (customer_id, name, licences, plan, policy_version, is_plan_eligible,
         required_licences, is_flagged, flag_reason, flagged_at, is_training_required, training_completed_at, registered_at,
         external_refs)
       VALUES (?, ?, ?, ?, ?, 1, NULL, 0, NULL, NULL, 0, NULL, ?, ?)`,
    );
    const refsOf = db.prepare<[string], { external_refs: string }>(
      'SELECT external_refs FROM customers WHERE customer_id = ?',
    );
    const update = (assignments: string) =>
      db.prepare(`UPDATE customers SET ${assignments} WHERE customer_id = @customerId`);
    const setLicences = update('licences = @licences');
    const setPlan = update('plan = @plan, licences = @licences, policy_version = @policyVersion, is_plan_eligible = 1');
    const setEligibility = update('is_plan_eligible = @isEligible, required_licences = @required');
    const flag = update('is_flagged = 1, flag_reason = @reason, flagged_at = @flaggedAt');
    const clearFlag = update('is_flagged = 0, flag_reason = NULL, flagged_at = NULL');
    const requireTraining = update('is_training_required = 1');
    const completeTraining = update('is_training_required = 0, training_completed_at = @completedAt');
    const setRefs = update('external_refs = @refs');
    const customerOf = db.prepare<[string], { customer_id: string }>(
      'SELECT customer_id FROM ticket_directory WHERE ticket_id = ?',
    );
    const bill = db.prepare(
      `INSERT INTO customer_billing (customer_id, currency, hours, amount, entries) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (customer_id, currency) DO UPDATE SET hours = hours + excluded.hours,
         amount = amount + excluded.amount, entries = entries + 1`,
    );
    const apply = (recorded: RecordedEvent): void => {
      const ticketEvent = asTicketEvent(recorded);
      if (ticketEvent?.type === 'ProfessionalServicesBilled') {
        const { data } = ticketEvent;
        const customer = customerOf.get(data.ticketId);
        if (customer) bill.run(customer.customer_id, data.currency, data.hours, data.amount);
      }
      const event = asCustomerEvent(recorded);
      if (!event) return;
      const { data } = event;
      switch (event.type) {
        case 'CustomerRegistered':
          register.run(
            data.customerId,
            event.data.name,
            event.data.licences,
            event.data.plan,
            event.data.policyVersion,
            event.data.registeredAt,
            JSON.stringify(event.data.externalRefs ?? {}),
          );
          return;
        case 'CustomerLicencesChanged':
          setLicences.run({ customerId: data.customerId, licences: event.data.licences });
          return;
        case 'PlanAssigned':
          setPlan.run({
            customerId: data.customerId,
            plan: event.data.plan,
            licences: event.data.licences,
            policyVersion: event.data.policyVersion,
          });
          return;
        case 'PlanEligibilityLost':
          setEligibility.run({ customerId: data.customerId, isEligible: 0, required: event.data.required });
          return;
        case 'PlanEligibilityRegained':
          setEligibility.run({ customerId: data.customerId, isEligible: 1, required: event.data.required });
          return;
        case 'CustomerFlaggedForExcessiveRequests':
          flag.run({ customerId: data.customerId, reason: event.data.reason, flaggedAt: event.data.flaggedAt });
          return;
        case 'CustomerFlagCleared':
          clearFlag.run({ customerId: data.customerId });
          return;
        case 'CustomerTrainingRequired':
          requireTraining.run({ customerId: data.customerId });
          return;
        case 'CustomerTrainingCompleted':
          completeTraining.run({ customerId: data.customerId, completedAt: event.data.completedAt });
          return;
        case 'CustomerExternalRefSet': {
          const stored = refsOf.get(data.customerId);
          if (!stored) return;
          const refs = {
            ...(JSON.parse(stored.external_refs) as Record<string, string>),
            [event.data.source]: event.data.externalId,
          };
          setRefs.run({ customerId: data.customerId, refs: JSON.stringify(refs) });
          return;
        }
        default:
          return assertNever(event, undefined);
      }
    };
    return { apply };
  },
};
