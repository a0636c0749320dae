import { aCustomerRegistered } from '@app/domain/test-support/customer-builders';
import { aTicketCommand, aTicketOpened, decided } from '@app/domain/test-support/ticket-builders';
import { rowsAfter } from '../test-support/given-events';

const rows = async (given: Parameters<typeof rowsAfter>[0]) =>
  (await rowsAfter(given, 'ticket_directory', 'ticket_id')).rows;

describe('ticket directory projection', () => {
  const row = {
    ticket_id: 't-1',
    customer_id: 'acme',
    plan: 'premium',
    subject: 'Cannot connect',
    received_at: '2026-11-30T15:00:00.000Z',
    external_ref: null,
  };

  it('adds a row when a ticket is opened', async () => {
    expect(await rows([aTicketOpened()])).toEqual([row]);
  });

  it('keeps the reference of a ticket opened from a helpdesk', async () => {
    const externalRef = { source: 'zendesk', externalId: '35436' };
    expect(await rows([aTicketOpened({ externalRef })])).toEqual([
      { ...row, external_ref: JSON.stringify(externalRef) },
    ]);
  });

  it('keeps the row as the ticket was opened, through its response and resolution: no event changes or removes it', async () => {
    const answered = decided([aTicketOpened()], aTicketCommand('RecordResponse', {}));
    expect(await rows(decided(answered, aTicketCommand('ResolveTicket', {})))).toEqual([row]);
  });

  it('ignores a customer event', async () => {
    expect(await rows([aCustomerRegistered()])).toEqual([]);
  });
});
