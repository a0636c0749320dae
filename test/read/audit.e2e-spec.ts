import { eventually } from '@app/clock/test-support/eventually';
import { type Engine, startEngine } from '../api/support/engine';

const START = Date.parse('2026-11-30T14:00:00.000Z');
const instantAt = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();

describe('audit through the API', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: instantAt(0) });
  });

  afterEach(() => engine.close());

  const setUp = async (): Promise<{ customerId: string; ticketId: string }> => {
    const customer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium' },
    });
    const ticket = await engine.call('POST', '/tickets', {
      as: 'agent',
      body: { customerId: customer.json.id, channel: 'email', subject: 'Import fails' },
    });
    expect(ticket.status).toBe(201);
    return { customerId: customer.json.id as string, ticketId: ticket.json.id as string };
  };

  const relaxationOf = (ticketId: string): Promise<void> =>
    eventually(
      async () => {
        const { json } = await engine.call('GET', `/tickets/${ticketId}`, { as: 'agent' });
        // The API shows `relaxation: null` until the relaxation is recorded.
        expect((json.sla as { relaxation: unknown } | null)?.relaxation).toEqual({ mode: 'extend', factor: 2 });
      },
      10_000,
      50,
    );

  it('replays a long ticket to the state the API showed at every recorded instant', async () => {
    const { ticketId } = await setUp();
    const live = new Map<string, unknown>([
      [instantAt(0), (await engine.call('GET', `/tickets/${ticketId}`, { as: 'agent' })).body],
    ]);
    const steps: [string, unknown, 'agent' | 'lead'][] = [
      ['extensions', { extensionMinutes: 30, reason: 'Customer on a trade show' }, 'lead'],
      ['flag-customer', { reason: 'Third question on a documented topic' }, 'agent'],
      ['extensions', { extensionMinutes: 15, reason: 'Waiting for logs' }, 'lead'],
      ...Array.from({ length: 24 }, (_, i): [string, unknown, 'agent'] => ['responses', { by: `agent-${i}` }, 'agent']),
      ['out-of-scope', { category: 'beyond-plan', note: 'Custom report' }, 'agent'],
      ['professional-services/offer', { note: 'Two hours' }, 'agent'],
      ['professional-services/billed', { hours: 1.5 }, 'agent'],
      ['professional-services/billed', { hours: 0.5 }, 'agent'],
      ['resolve', { note: 'Report delivered' }, 'agent'],
    ];
    for (const [index, [path, body, role]] of steps.entries()) {
      const at = instantAt((index + 1) * 3);
      engine.clock?.set(at);
      const answer = await engine.call('POST', `/tickets/${ticketId}/${path}`, { as: role, body });
      expect([path, answer.status < 300]).toEqual([path, true]);
      // Flagging the customer relaxes its open tickets a moment later, at the same instant of the test clock.
      if (path === 'flag-customer') await relaxationOf(ticketId);
      live.set(at, (await engine.call('GET', `/tickets/${ticketId}`, { as: 'agent' })).body);
    }

    const history = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    const events = (history.json as unknown as { events: { recordedAt: string }[] }).events;
    expect(events.length).toBeGreaterThanOrEqual(steps.length + 1);
    expect(new Set(events.map((event) => event.recordedAt))).toEqual(new Set(live.keys()));
    for (const [at, view] of live) {
      const asOf = await engine.call('GET', `/tickets/${ticketId}/state?asOf=${at}`, { as: 'auditor' });
      expect([at, asOf.json.ticket]).toEqual([at, view]);
      const between = await engine.call(
        'GET',
        `/tickets/${ticketId}/state?asOf=${instantAt((Date.parse(at) - START) / 60_000 + 1)}`,
        {
          as: 'auditor',
        },
      );
      expect([at, between.json.ticket]).toEqual([at, view]);
    }
    const before = await engine.call('GET', `/tickets/${ticketId}/state?asOf=${instantAt(-1)}`, { as: 'auditor' });
    expect(before.json).toMatchObject({ ticket: null, eventsApplied: 0, explanation: null });
  });

  it('lists every event with who, when, the policy version and the cause', async () => {
    const { ticketId } = await setUp();
    engine.clock?.set(instantAt(10));
    await engine.call('POST', `/tickets/${ticketId}/extensions`, {
      as: 'lead',
      body: { extensionMinutes: 30, reason: 'Customer on a trade show' },
    });

    const history = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    expect(history.status).toBe(200);
    expect(history.json).toEqual({
      ticketId,
      events: [
        expect.objectContaining({
          type: 'TicketOpened',
          revision: 0,
          recordedAt: instantAt(0),
          actor: { id: 'agent1', role: 'agent' },
          policyVersion: '2017-11-23',
          correlationId: expect.any(String),
          causationId: expect.any(String),
        }),
        expect.objectContaining({
          type: 'DeadlineExtended',
          revision: 1,
          recordedAt: instantAt(10),
          actor: { id: 'lead1', role: 'lead' },
          data: expect.objectContaining({ extensionMinutes: 30, reason: 'Customer on a trade show' }),
        }),
      ],
      next: null,
    });
  });

  it('pages the history: limit events after a revision, and next while more follow', async () => {
    const { ticketId } = await setUp();
    for (const by of ['a', 'b', 'c']) {
      await engine.call('POST', `/tickets/${ticketId}/responses`, { as: 'agent', body: { by } });
    }
    const all = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    const revisions = (all.json.events as { revision: number }[]).map(({ revision }) => revision);
    expect(revisions.length).toBeGreaterThanOrEqual(4);

    const pages: number[][] = [];
    let after: unknown = undefined;
    do {
      const query = after === undefined ? '?limit=2' : `?limit=2&after=${String(after)}`;
      const page = await engine.call('GET', `/tickets/${ticketId}/history${query}`, { as: 'auditor' });
      pages.push((page.json.events as { revision: number }[]).map(({ revision }) => revision));
      after = page.json.next ?? undefined;
    } while (after !== undefined);
    expect(pages.flat()).toEqual(revisions);
    expect(pages.every((page) => page.length <= 2)).toBe(true);

    for (const query of ['?limit=0', '?limit=501', '?after=-1', '?limit=x']) {
      const refused = await engine.call('GET', `/tickets/${ticketId}/history${query}`, { as: 'auditor' });
      expect([query, refused.status, refused.json.code]).toEqual([query, 400, 'invalid-request']);
    }
  });

  it('explains the deadline as of an instant: policy version, calendar, allowance, support time and its causes', async () => {
    const { ticketId } = await setUp();
    engine.clock?.set(instantAt(10));
    await engine.call('POST', `/tickets/${ticketId}/extensions`, {
      as: 'lead',
      body: { extensionMinutes: 30, reason: 'Customer on a trade show' },
    });
    const history = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    const [opened, extended] = (history.json as unknown as { events: { eventId: string }[] }).events;

    const state = await engine.call('GET', `/tickets/${ticketId}/state?asOf=${instantAt(20)}`, { as: 'auditor' });

    expect(state.json).toMatchObject({
      ticketId,
      asOf: instantAt(20),
      eventsApplied: 2,
      ticket: { id: ticketId, firstResponseDueAt: '2026-11-30T18:30:00.000Z', allowanceMinutes: 270 },
      explanation: {
        policyVersion: '2017-11-23',
        calendar: { timeZone: 'America/Toronto' },
        status: 'Running',
        deadline: '2026-11-30T18:30:00.000Z',
        allowance: { baseMinutes: 240, relaxation: null, extensionMinutes: 30, effectiveMinutes: 270 },
        elapsedMinutes: 10,
        steps: [
          { eventId: opened?.eventId, type: 'TicketOpened', deadline: '2026-11-30T18:00:00.000Z' },
          {
            eventId: extended?.eventId,
            type: 'DeadlineExtended',
            deadline: '2026-11-30T18:30:00.000Z',
            actor: { role: 'lead' },
            cause: 'deadline extended by 30 support minutes by lead1 (lead): Customer on a trade show',
          },
        ],
      },
    });
    // extended at 09:10 with 260 support minutes left: all of them before Monday's 18:00 closing
    expect(state.json.explanation).toMatchObject({
      supportIntervals: [{ start: instantAt(10), end: '2026-11-30T18:30:00.000Z', minutes: 260 }],
    });
  });

  it('lists the support intervals of a deadline that crosses a closing and a night, in UTC', async () => {
    engine.clock?.set('2026-11-30T22:00:00.000Z');
    const { ticketId } = await setUp();
    const state = await engine.call('GET', `/tickets/${ticketId}/state?asOf=2026-11-30T22:00:00.000Z`, {
      as: 'auditor',
    });
    // Monday 17:00 Toronto + 240: one hour to the 18:00 closing, then Tuesday 07:30 to 10:30.
    expect(state.json.explanation).toMatchObject({
      deadline: '2026-12-01T15:30:00.000Z',
      supportIntervals: [
        { start: '2026-11-30T22:00:00.000Z', end: '2026-11-30T23:00:00.000Z', minutes: 60 },
        { start: '2026-12-01T12:30:00.000Z', end: '2026-12-01T15:30:00.000Z', minutes: 180 },
      ],
    });
  });

  it('answers 404 for an unknown ticket and 400 for a bad instant', async () => {
    const { ticketId } = await setUp();
    const unknown = await engine.call('GET', '/tickets/00000000-0000-4000-8000-000000000000/history', {
      as: 'auditor',
    });
    expect(unknown).toMatchObject({ status: 404, json: { code: 'ticket-not-found' } });
    const bad = await engine.call('GET', `/tickets/${ticketId}/state?asOf=yesterday`, { as: 'auditor' });
    expect(bad).toMatchObject({ status: 400, json: { code: 'invalid-request' } });
  });
});
