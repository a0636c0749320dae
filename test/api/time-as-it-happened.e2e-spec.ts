import { type Engine, type Role, startEngine } from './support/engine';
import { eventually } from '@app/clock/test-support/eventually';

/** Tuesday 2026-12-01, 16:00 in Toronto. */
const NOW = '2026-12-01T21:00:00.000Z';

describe('time as it happened, over HTTP', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: NOW });
  });

  afterEach(() => engine.close());

  const customer = async (): Promise<string> => {
    const answer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium' },
    });
    return String(answer.json.id);
  };
  const open = (customerId: string, receivedAt: string, as: Role = 'agent') =>
    engine.call('POST', '/tickets', {
      as,
      body: { customerId, channel: 'email', subject: 'Import fails', receivedAt },
    });
  const breaches = async (ticketId: string) => {
    const answer = await engine.call('GET', `/breaches?ticketId=${ticketId}`, { as: 'ops' });
    return (answer.json as unknown as { items: Record<string, unknown>[] }).items;
  };

  it('lists the breach of a June ticket imported today on its June deadline, detected today', async () => {
    // received Monday 2026-06-15 10:00 Toronto, due 14:00 (18:00Z)
    const imported = await open(await customer(), '2026-06-15T10:00:00-04:00', 'admin');
    expect(imported.status).toBe(201);
    const ticketId = String(imported.json.id);
    const [breach] = await eventually(async () => {
      const items = (await breaches(ticketId)).filter((item) => item.kind === 'breach');
      expect(items).not.toHaveLength(0);
      return items;
    });
    expect(breach).toMatchObject({ occurredAt: '2026-06-15T18:00:00.000Z', detectedAt: NOW });
    const ticket = await engine.call('GET', `/tickets/${ticketId}`, { as: 'auditor' });
    expect(ticket.json).toMatchObject({ sla: { breachedAt: '2026-06-15T18:00:00.000Z' } });
  });

  it('retracts a recorded breach when a response dated before the deadline is posted after it, and counts it met', async () => {
    // received Tuesday 08:00, due 12:00, breached and escalated by now (16:00)
    const opened = await open(await customer(), '2026-12-01T08:00:00-05:00');
    const ticketId = String(opened.json.id);
    await eventually(async () => expect(await breaches(ticketId)).toHaveLength(2));
    const response = await engine.call('POST', `/tickets/${ticketId}/responses`, {
      as: 'agent',
      body: { by: 'alice', respondedAt: '2026-12-01T10:05:00-05:00' },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      outcome: 'met',
      respondedAt: '2026-12-01T15:05:00.000Z',
      missedByMinutes: 0,
    });
    const history = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    const events = (history.json as unknown as { events: { type: string; eventId: string; causationId: string }[] })
      .events;
    const responded = events.find((event) => event.type === 'TicketResponded');
    const retractions = events.filter((event) => event.type.endsWith('Retracted'));
    expect(retractions.map((event) => event.type)).toEqual(['SlaEscalationRetracted', 'SlaBreachRetracted']);
    expect(retractions.map((event) => event.causationId)).toEqual([responded?.eventId, responded?.eventId]);
    expect(events.filter((event) => event.type === 'SlaBreached')).toHaveLength(1);
    await eventually(async () => expect(await breaches(ticketId)).toEqual([]));
    const compliance = await engine.call('GET', '/compliance?period=month&plan=premium', { as: 'lead' });
    expect(compliance.json).toMatchObject({ items: [{ plan: 'premium', met: 1, missed: 0 }] });
  });

  it('shows a ticket as it stood at an instant from every fact, or only from what was known then', async () => {
    engine.clock?.set('2026-12-01T15:00:00.000Z');
    const opened = await open(await customer(), '2026-12-01T08:00:00-05:00');
    const ticketId = String(opened.json.id);
    engine.clock?.set(NOW);
    await engine.call('POST', `/tickets/${ticketId}/responses`, {
      as: 'agent',
      body: { respondedAt: '2026-12-01T09:00:00-05:00' },
    });
    const state = async (query: string) =>
      (await engine.call('GET', `/tickets/${ticketId}/state?${query}`, { as: 'auditor' })).json as {
        ticket: { firstResponseAt: string | null; sla: { status: string } } | null;
        explanation: { steps: { type: string; occurredAt: string; recordedAt: string }[] } | null;
      };
    const asItHappened = await state('asOf=2026-12-01T14:30:00Z');
    expect(asItHappened.ticket).toMatchObject({
      firstResponseAt: '2026-12-01T14:00:00.000Z',
      sla: { status: 'Stopped' },
    });
    expect(asItHappened.explanation?.steps.at(-1)).toMatchObject({
      type: 'TicketResponded',
      occurredAt: '2026-12-01T14:00:00.000Z',
      recordedAt: NOW,
    });
    const believedThen = await state('asOf=2026-12-01T15:30:00Z&knownAt=2026-12-01T15:30:00Z');
    expect(believedThen.ticket).toMatchObject({ firstResponseAt: null, sla: { status: 'Running' } });
    expect((await state('asOf=2026-12-01T12:00:00Z')).ticket).toBeNull();
  });

  it('refuses a receipt beyond the calendar horizon with 422; a ticket that ages past it keeps the queue answering', async () => {
    const customerId = await customer();
    const old = await open(customerId, '2017-12-04T10:00:00-05:00', 'admin');
    const recent = await open(customerId, '2026-12-01T10:00:00-05:00');
    engine.clock?.set('2038-06-01T15:00:00.000Z');
    const ancient = await open(customerId, '2017-12-05T10:00:00-05:00', 'admin');
    expect([ancient.status, ancient.json.code]).toEqual([422, 'receipt-beyond-horizon']);
    const queue = await eventually(async () => {
      const answer = await engine.call('GET', '/queue', { as: 'agent' });
      expect(answer.status).toBe(200);
      const items = (answer.json as unknown as { items: Record<string, unknown>[] }).items;
      expect(items).toHaveLength(2);
      return items;
    });
    expect(queue.find((item) => item.ticketId === old.json.id)).toMatchObject({
      businessMinutesLeft: null,
      problem: { code: 'horizon-exceeded' },
    });
    expect(queue.find((item) => item.ticketId === recent.json.id)).toMatchObject({ problem: null });
  });

  it('refuses facts dated too far ahead or, for an agent, too far back, naming the field', async () => {
    const customerId = await customer();
    expect((await open(customerId, '2026-12-01T21:01:00Z')).status).toBe(201);
    const ahead = await open(customerId, '2026-12-01T21:03:00Z');
    expect([ahead.status, ahead.json.field]).toEqual([400, 'receivedAt']);
    const backdated = await open(customerId, '2026-11-20T10:00:00-05:00');
    expect([backdated.status, backdated.json.field]).toEqual([400, 'receivedAt']);
    expect((await open(customerId, '2026-11-20T10:00:00-05:00', 'admin')).status).toBe(201);
    const ticketId = String((await open(customerId, '2026-12-01T10:00:00-05:00')).json.id);
    const early = await engine.call('POST', `/tickets/${ticketId}/responses`, {
      as: 'agent',
      body: { respondedAt: '2026-12-01T09:00:00-05:00' },
    });
    expect([early.status, early.json.field]).toEqual([400, 'respondedAt']);
  });
});
