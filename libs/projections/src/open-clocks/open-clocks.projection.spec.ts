import { aCustomerCommand, aCustomerRegistered, customerDecided } from '@app/domain/test-support/customer-builders';
import { at } from '@app/domain/test-support/commands';
import { aTicketCommand, aTicketOpened, decided, fold, TICKET_ID } from '@app/domain/test-support/ticket-builders';
import { openReadModelDb } from '../runner/read-model-db';
import { rowsAfter } from '../test-support/given-events';
import { OpenClocks, openClocksProjection, type QueuedTicket, queueStatusOf } from './open-clocks.projection';

const rows = async (...given: Parameters<typeof rowsAfter>[0][]) =>
  (await rowsAfter(given.flat(), 'open_clocks', 'ticket_id')).rows;

describe('open clocks projection', () => {
  const registered = [aCustomerRegistered()];
  const opened = [aTicketOpened()];
  const row = (events: Parameters<typeof fold>[0], o: Record<string, unknown>) => ({
    ticket_id: TICKET_ID,
    customer_id: 'acme',
    plan: 'premium',
    policy_version: '2017-11-23',
    ticket_status: 'Open',
    clock_status: 'Running',
    timer_generation: 0,
    at_risk_due_at: '2026-11-30T18:00:00.000Z',
    deadline: '2026-11-30T19:00:00.000Z',
    queue_status: 'on-track',
    priority_rank: 0,
    received_at: '2026-11-30T15:00:00.000Z',
    state: JSON.stringify(fold(events)),
    ...o,
  });
  const breach = aTicketCommand(
    'RecordSlaBreach',
    { clockId: 'first-response', timerGeneration: 0 },
    { now: '2026-11-30T19:00:00.000Z', role: 'system' },
  );

  it('adds a row when a ticket is opened, its clock running and the ticket on track', async () => {
    expect(await rows(opened)).toEqual([row(opened, {})]);
  });

  it('changes the row when the clock is paused for training', async () => {
    const paused = decided(
      opened,
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T11:00-05:00') }),
    );
    expect(await rows(paused)).toEqual([
      row(paused, {
        clock_status: 'Paused',
        timer_generation: 1,
        at_risk_due_at: null,
        deadline: null,
        queue_status: 'paused-for-training',
      }),
    ]);
  });

  it('shows the ticket breached once the breach is recorded', async () => {
    const breached = decided(opened, breach);
    expect(await rows(breached)).toEqual([row(breached, { queue_status: 'breached' })]);
  });

  it('keeps a ticket whose deadline was waived in the queue, its clock stopped, until its first response', async () => {
    const waived = decided(
      opened,
      aTicketCommand('WaiveDeadline', { reason: 'customer away' }, { now: at('2026-11-30T11:00-05:00'), role: 'lead' }),
    );
    expect(await rows(waived)).toEqual([
      row(waived, {
        clock_status: 'Stopped',
        timer_generation: 1,
        at_risk_due_at: null,
        deadline: null,
        queue_status: 'waived',
      }),
    ]);
    expect(await rows(decided(waived, aTicketCommand('RecordResponse', {})))).toEqual([]);
  });

  it('keeps a ticket marked out of scope in the queue as out of scope', async () => {
    const outOfScope = decided(
      opened,
      aTicketCommand('MarkTicketOutOfScope', { category: 'beyond-plan' }, { now: at('2026-11-30T11:00-05:00') }),
    );
    expect(await rows(outOfScope)).toEqual([
      row(outOfScope, {
        ticket_status: 'OutOfScope',
        clock_status: 'Stopped',
        timer_generation: 1,
        at_risk_due_at: null,
        deadline: null,
        queue_status: 'out-of-scope',
      }),
    ]);
  });

  it('removes the row at the first response, even after a breach', async () => {
    expect(await rows(decided(decided(opened, breach), aTicketCommand('RecordResponse', {})))).toEqual([]);
  });

  it('removes the row when the ticket is resolved', async () => {
    const resolved = decided(opened, aTicketCommand('ResolveTicket', {}, { now: at('2026-11-30T11:00-05:00') }));
    expect(await rows(resolved)).toEqual([]);
  });

  it('gives the same rows when each event comes in a batch of its own as when they all come in one', async () => {
    const paused = decided(
      opened,
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T11:00-05:00') }),
    );
    const outOfScope = decided(
      paused,
      aTicketCommand('MarkTicketOutOfScope', { category: 'beyond-plan' }, { now: at('2026-11-30T11:30-05:00') }),
    );
    const answered = decided(decided(opened, breach), aTicketCommand('RecordResponse', {}));
    for (const events of [paused, outOfScope, answered]) {
      const oneBatch = await rows(events);
      const eventByEvent = (await rowsAfter(events, 'open_clocks', 'ticket_id', 1)).rows;
      expect(eventByEvent).toEqual(oneBatch);
    }
    expect(await rows(outOfScope)).toHaveLength(1);
  });

  it('ignores customer events, a change of licences among them', async () => {
    const licences = customerDecided(registered, aCustomerCommand('ChangeLicences', { licences: 30 }));
    expect(await rows(licences, opened)).toEqual([row(opened, {})]);
  });
});

describe('queueStatusOf', () => {
  const open = fold([aTicketOpened()]) as QueuedTicket;
  const withClock = (clock: Partial<QueuedTicket['clock']>, status: QueuedTicket['status'] = 'Open') =>
    ({ ...open, status, clock: { ...open.clock, ...clock } }) as QueuedTicket;
  const breached = { breach: { deadline: open.clock.deadline ?? '', breachedAt: '2026-11-30T19:00:00.000Z' } };

  it.each([
    ['out of scope before all', withClock({ ...breached, status: 'Stopped' } as never, 'OutOfScope'), 'out-of-scope'],
    ['waived before breached', withClock({ ...breached, status: 'Stopped' } as never), 'waived'],
    ['breached before paused', withClock({ ...breached, isPausedForTraining: true }), 'breached'],
    [
      'paused before at risk',
      withClock({ isPausedForTraining: true, atRiskAt: '2026-11-30T18:00:00.000Z' }),
      'paused-for-training',
    ],
    [
      'at risk before relaxed',
      withClock({ atRiskAt: '2026-11-30T18:00:00.000Z', relaxation: { mode: 'extend', factor: 2 } } as never),
      'at-risk',
    ],
    ['relaxed before on track', withClock({ relaxation: { mode: 'extend', factor: 2 } } as never), 'relaxed'],
    ['on track otherwise', open, 'on-track'],
  ])('given a ticket %s, when its queue status is asked, then it is the first that applies', (_, ticket, status) => {
    expect(queueStatusOf(ticket)).toBe(status);
  });
});

describe('OpenClocks', () => {
  const db = openReadModelDb(':memory:');
  openClocksProjection.migrate(db);
  const state = fold([aTicketOpened()]);
  const insert = db.prepare(
    `INSERT INTO open_clocks (ticket_id, customer_id, plan, policy_version, ticket_status, clock_status,
       timer_generation, at_risk_due_at, deadline, queue_status, priority_rank, received_at, state)
     VALUES (?, 'acme', 'premium', '2017-11-23', ?, ?, 0, NULL, ?, 'on-track', 0, '2026-11-30T15:00:00.000Z', ?)`,
  );
  afterAll(() => db.close());

  it('reads every open clock once, page after page, the nearest deadline first and those without one last', () => {
    const dated = Array.from({ length: 2_500 }, (_, n) => ({
      ticketId: `t-${String((n * 7_919) % 2_500).padStart(5, '0')}`,
      deadline: new Date(Date.UTC(2026, 11, 1) + ((n * 104_729) % 600) * 60_000).toISOString(),
    }));
    const undated = Array.from({ length: 1_100 }, (_, n) => ({ ticketId: `u-${String(n).padStart(5, '0')}` }));
    for (const { ticketId, deadline } of dated) {
      insert.run(ticketId, 'Open', 'Running', deadline, JSON.stringify({ ...state, ticketId }));
    }
    for (const { ticketId } of undated)
      insert.run(ticketId, 'Open', 'Paused', null, JSON.stringify({ ...state, ticketId }));

    const read = [...new OpenClocks(db).tickets()].map((ticket) => ticket.ticketId);

    const byDeadline = [...dated]
      .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.ticketId.localeCompare(b.ticketId))
      .map((clock) => clock.ticketId);
    expect(read).toEqual([...byDeadline, ...undated.map((clock) => clock.ticketId)]);
  });

  it('leaves out the stopped clocks the queue still shows, and those of tickets out of scope', () => {
    db.prepare('DELETE FROM open_clocks').run();
    insert.run(
      'running',
      'Open',
      'Running',
      '2026-12-01T15:00:00.000Z',
      JSON.stringify({ ...state, ticketId: 'running' }),
    );
    insert.run('waived', 'Open', 'Stopped', null, JSON.stringify({ ...state, ticketId: 'waived' }));
    insert.run('out-of-scope', 'OutOfScope', 'Stopped', null, JSON.stringify({ ...state, ticketId: 'out-of-scope' }));

    const clocks = new OpenClocks(db);

    expect([...clocks.tickets()].map((ticket) => ticket.ticketId)).toEqual(['running']);
    expect(clocks.ticketIdsOfCustomer('acme')).toEqual(['running']);
  });
});
