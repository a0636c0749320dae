import { at } from '@app/domain/test-support/commands';
import { aCustomerRegistered } from '@app/domain/test-support/customer-builders';
import { aTicketCommand, aTicketOpened, decided } from '@app/domain/test-support/ticket-builders';
import { RECORDED_AT, rowsAfter } from '../test-support/given-events';

const breachLog = (given: Parameters<typeof rowsAfter>[0]) => rowsAfter(given, 'breach_log', 'alert_id');

describe('breach log projection', () => {
  const registered = aCustomerRegistered();
  const opened = [aTicketOpened()];
  const timer = (type: 'RecordSlaAtRisk' | 'RecordSlaBreach', now: string) =>
    aTicketCommand(type, { clockId: 'first-response', timerGeneration: 0 }, { now, role: 'system' });
  const breach = decided(opened, timer('RecordSlaBreach', '2026-11-30T19:00:00.000Z'));
  const breached = [registered, ...breach];
  const entry = (alertId: string, o: Record<string, unknown> = {}) => ({
    alert_id: alertId,
    position: expect.any(Number),
    kind: 'breach',
    ticket_id: 't-1',
    customer_id: 'acme',
    plan: 'premium',
    subject: 'Cannot connect',
    external_ref: null,
    clock_id: 'first-response',
    deadline: '2026-11-30T19:00:00.000Z',
    occurred_at: '2026-11-30T19:00:00.000Z',
    detected_at: '2026-11-30T19:00:00.000Z',
    retracted_at: null,
    level: null,
    recipients: JSON.stringify(['ops', 'lead']),
    policy_version: '2017-11-23',
    ...o,
  });
  const idOf = (recorded: Awaited<ReturnType<typeof breachLog>>['recorded'], type: string): string =>
    recorded.find((event) => event.type === type)?.id ?? '';

  it('adds an entry, keyed by the event id, when a breach is recorded', async () => {
    const { rows, recorded } = await breachLog(breached);
    expect(rows).toEqual([entry(idOf(recorded, 'SlaBreached'))]);
    expect((await rowsAfter(breached, 'breach_log_customers', 'customer_id')).rows).toEqual([
      { customer_id: 'acme', name: 'Acme' },
    ]);
  });

  it('names the ticket in the helpdesk it was opened from', async () => {
    const externalRef = { source: 'zendesk', externalId: '35436' };
    const fromHelpdesk = decided(
      [aTicketOpened({ externalRef })],
      timer('RecordSlaBreach', '2026-11-30T19:00:00.000Z'),
    );
    const { rows, recorded } = await breachLog([registered, ...fromHelpdesk]);
    expect(rows).toEqual([entry(idOf(recorded, 'SlaBreached'), { external_ref: JSON.stringify(externalRef) })]);
  });

  it('marks the entry retracted, and keeps it, when a response dated before the deadline retracts the breach', async () => {
    const retracted = decided(
      breach,
      aTicketCommand('RecordResponse', { respondedAt: at('2026-11-30T13:30-05:00') }, { now: RECORDED_AT }),
    );
    const { rows, recorded } = await breachLog([registered, ...retracted]);
    expect(rows).toEqual([entry(idOf(recorded, 'SlaBreached'), { retracted_at: RECORDED_AT })]);
  });

  it('ignores an at-risk warning', async () => {
    expect(
      (await breachLog([registered, ...decided(opened, timer('RecordSlaAtRisk', at('2026-11-30T13:00-05:00')))])).rows,
    ).toEqual([]);
  });
});
