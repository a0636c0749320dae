import { aCustomerCommand, aCustomerRegistered, customerDecided } from '@app/domain/test-support/customer-builders';
import { aTicketCommand, aTicketOpened, anSla, decided } from '@app/domain/test-support/ticket-builders';
import { rowsAfter } from '../test-support/given-events';

const queue = async (given: Parameters<typeof rowsAfter>[0]) =>
  (await rowsAfter(given, 'open_queue', 'ticket_id')).rows;

describe('open queue projection', () => {
  const registered = [aCustomerRegistered()];
  const opened = [...registered, aTicketOpened()];
  const entry = {
    ticketId: 't-1',
    customerId: 'acme',
    plan: 'premium',
    handlingPriority: 'priority',
    channel: 'email',
    subject: 'Cannot connect',
    externalRef: null,
    receivedAt: '2026-11-30T15:00:00.000Z',
    policyVersion: '2017-11-23',
    calendarId: 'quebec-support-hours',
    clock: anSla({ asOf: '2026-11-30T15:00:00.000Z' }),
    isOutOfScope: false,
    atRiskAt: null,
    breachedAt: null,
    escalatedAt: null,
  };
  const row = (status: string, o: Record<string, unknown> = {}) => ({
    ticket_id: 't-1',
    customer_id: 'acme',
    plan: 'premium',
    priority_rank: 0,
    status,
    deadline: '2026-11-30T19:00:00.000Z',
    received_at: '2026-11-30T15:00:00.000Z',
    entry: JSON.stringify({ ...entry, ...o }),
  });
  const breach = aTicketCommand(
    'RecordSlaBreach',
    { clockId: 'first-response', timerGeneration: 0 },
    { now: '2026-11-30T19:00:00.000Z', role: 'system' },
  );

  it('adds a row when a ticket is opened, and keeps the name of each registered customer', async () => {
    expect(await queue(opened)).toEqual([row('on-track')]);
    expect((await rowsAfter(opened, 'open_queue_customers', 'customer_id')).rows).toEqual([
      { customer_id: 'acme', name: 'Acme' },
    ]);
  });

  it('changes the row when the deadline is breached', async () => {
    expect(await queue([...registered, ...decided([aTicketOpened()], breach)])).toEqual([
      row('breached', { breachedAt: '2026-11-30T19:00:00.000Z' }),
    ]);
  });

  it('keeps the reference of a ticket opened from a helpdesk', async () => {
    const externalRef = { source: 'zendesk', externalId: '35436' };
    expect(await queue([...registered, aTicketOpened({ externalRef })])).toEqual([row('on-track', { externalRef })]);
  });

  it('removes the row at the first response', async () => {
    const answered = decided(decided([aTicketOpened()], breach), aTicketCommand('RecordResponse', {}));
    expect(await queue([...registered, ...answered])).toEqual([]);
  });

  it('ignores a change of the customer’s licences', async () => {
    const licences = customerDecided(registered, aCustomerCommand('ChangeLicences', { licences: 30 }));
    expect(await queue([...licences, aTicketOpened()])).toEqual([row('on-track')]);
  });
});
