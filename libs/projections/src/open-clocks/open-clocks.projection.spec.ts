import { aCustomerRegistered } from '@app/domain/test-support/customer-builders';
import { at } from '@app/domain/test-support/commands';
import { aTicketCommand, aTicketOpened, decided, fold, TICKET_ID } from '@app/domain/test-support/ticket-builders';
import { openReadModelDb } from '../runner/read-model-db';
import { rowsAfter } from '../test-support/given-events';
import { OpenClocks, openClocksProjection } from './open-clocks.projection';

const rows = async (...given: Parameters<typeof rowsAfter>[0][]) =>
  (await rowsAfter(given.flat(), 'open_clocks', 'ticket_id')).rows;

describe('open clocks projection', () => {
  const opened = [aTicketOpened()];
  const row = (events: Parameters<typeof fold>[0], o: Record<string, unknown>) => ({
    ticket_id: TICKET_ID,
    customer_id: 'acme',
    plan: 'premium',
    policy_version: '2017-11-23',
    clock_status: 'Running',
    timer_generation: 0,
    at_risk_due_at: '2026-11-30T18:00:00.000Z',
    deadline: '2026-11-30T19:00:00.000Z',
    state: JSON.stringify(fold(events)),
    ...o,
  });

  it('adds a row when a ticket is opened, its clock running', async () => {
    expect(await rows(opened)).toEqual([row(opened, {})]);
  });

  it('changes the row when the clock is paused for training', async () => {
    const paused = decided(
      opened,
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T11:00-05:00') }),
    );
    expect(await rows(paused)).toEqual([
      row(paused, { clock_status: 'Paused', timer_generation: 1, at_risk_due_at: null, deadline: null }),
    ]);
  });

  it('removes the row when the first response stops the clock', async () => {
    expect(await rows(decided(opened, aTicketCommand('RecordResponse', {})))).toEqual([]);
  });

  it('ignores a customer event', async () => {
    expect(await rows([aCustomerRegistered()], opened)).toEqual([row(opened, {})]);
  });
});

describe('OpenClocks', () => {
  it('reads every open clock once, page after page, the nearest deadline first and those without one last', () => {
    const db = openReadModelDb(':memory:');
    openClocksProjection.migrate(db);
    const state = fold([aTicketOpened()]);
    const insert = db.prepare(
      `INSERT INTO open_clocks (ticket_id, customer_id, plan, policy_version, clock_status, timer_generation,
         at_risk_due_at, deadline, state) VALUES (?, 'acme', 'premium', '2017-11-23', 'Running', 0, NULL, ?, ?)`,
    );
    const dated = Array.from({ length: 2_500 }, (_, n) => ({
      ticketId: `t-${String((n * 7_919) % 2_500).padStart(5, '0')}`,
      deadline: new Date(Date.UTC(2026, 11, 1) + ((n * 104_729) % 600) * 60_000).toISOString(),
    }));
    const undated = Array.from({ length: 1_100 }, (_, n) => ({ ticketId: `u-${String(n).padStart(5, '0')}` }));
    for (const { ticketId, deadline } of dated) insert.run(ticketId, deadline, JSON.stringify({ ...state, ticketId }));
    for (const { ticketId } of undated) insert.run(ticketId, null, JSON.stringify({ ...state, ticketId }));

    const read = [...new OpenClocks(db).tickets()].map((ticket) => ticket.ticketId);
    db.close();

    const byDeadline = [...dated]
      .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.ticketId.localeCompare(b.ticketId))
      .map((clock) => clock.ticketId);
    expect(read).toEqual([...byDeadline, ...undated.map((clock) => clock.ticketId)]);
  });
});
