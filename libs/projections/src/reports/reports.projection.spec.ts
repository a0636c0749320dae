import { at } from '@app/domain/test-support/commands';
import { aCustomerRegistered } from '@app/domain/test-support/customer-builders';
import { aTicketCommand, aTicketOpened, decided } from '@app/domain/test-support/ticket-builders';
import { rowsAfter } from '../test-support/given-events';

const clocks = async (given: Parameters<typeof rowsAfter>[0]) =>
  (await rowsAfter(given, 'report_clocks', 'ticket_id')).rows;

describe('reports projection', () => {
  const opened = [aTicketOpened()];
  const clock = (o: Record<string, unknown> = {}) => ({
    ticket_id: 't-1',
    customer_id: 'acme',
    plan: 'premium',
    channel: 'email',
    policy_version: '2017-11-23',
    received_at: '2026-11-30T15:00:00.000Z',
    status: 'Running',
    stopped_because: null,
    deadline: '2026-11-30T19:00:00.000Z',
    responded_at: null,
    responded_by: null,
    response_outcome: null,
    support_minutes: null,
    breach_deadline: null,
    ...o,
  });
  const breached = decided(
    opened,
    aTicketCommand(
      'RecordSlaBreach',
      { clockId: 'first-response', timerGeneration: 0 },
      { now: '2026-11-30T19:00:00.000Z', role: 'system' },
    ),
  );
  const responded = decided(
    breached,
    aTicketCommand('RecordResponse', { by: 'Alice' }, { commandId: 'r-1', now: at('2026-11-30T15:00-05:00') }),
  );

  const answeredClock = clock({
    status: 'Stopped',
    stopped_because: 'responded',
    responded_at: '2026-11-30T20:00:00.000Z',
    responded_by: 'Alice',
    response_outcome: 'missed',
    support_minutes: 300,
    breach_deadline: '2026-11-30T19:00:00.000Z',
  });

  it('adds a row for the first-response clock when a ticket is opened', async () => {
    expect(await clocks(opened)).toEqual([clock()]);
  });

  it('changes the row at the breach, then at the first response, and keeps each response', async () => {
    expect(await clocks(breached)).toEqual([clock({ breach_deadline: '2026-11-30T19:00:00.000Z' })]);
    expect(await clocks(responded)).toEqual([answeredClock]);
    expect((await rowsAfter(responded, 'report_responses', 'response_id')).rows).toEqual([
      { response_id: 'r-1', ticket_id: 't-1', responded_by: 'Alice', responded_at: '2026-11-30T20:00:00.000Z' },
    ]);
  });

  it('keeps the row of a resolved ticket: no event removes one', async () => {
    const resolved = decided(responded, aTicketCommand('ResolveTicket', {}, { now: at('2026-11-30T16:00-05:00') }));
    expect(await clocks(resolved)).toEqual([answeredClock]);
  });

  it('ignores a customer event', async () => {
    expect(await clocks([aCustomerRegistered(), ...opened])).toEqual([clock()]);
  });
});
