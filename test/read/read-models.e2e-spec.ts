import { type Answer, type Engine, startEngine } from '../api/support/engine';
import { eventually } from '@app/clock/test-support/eventually';

/** Monday 2026-11-30, 16:00 in Toronto. */
const NOW = '2026-11-30T21:00:00.000Z';

interface QueueItem {
  readonly ticketId: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

describe('read models through the API', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: NOW });
  });

  afterEach(() => engine.close());

  const registerCustomer = async (name: string, plan: string, licences = 20): Promise<string> => {
    const answer = await engine.call('POST', '/customers', { as: 'admin', body: { name, licences, plan } });
    expect(answer.status).toBe(201);
    return answer.json.id as string;
  };
  const openTicket = async (customerId: string, receivedAt: string, channel = 'email'): Promise<string> => {
    const answer = await engine.call('POST', '/tickets', {
      as: 'agent',
      body: { customerId, channel, subject: 'Import fails', receivedAt },
    });
    expect(answer.status).toBe(201);
    return answer.json.id as string;
  };
  const queue = async (query = ''): Promise<QueueItem[]> => {
    const answer = await engine.call('GET', `/queue${query}`, { as: 'auditor' });
    expect(answer.status).toBe(200);
    return (answer.json as unknown as { items: QueueItem[] }).items;
  };
  const queueItem = (ticketId: string, status?: string) =>
    eventually(async () => {
      const item = (await queue()).find((candidate) => candidate.ticketId === ticketId);
      expect(item).toMatchObject(status ? { status } : {});
      return item as NonNullable<typeof item>;
    });

  it('lists an open ticket with its deadline and the business minutes left, and filters the queue', async () => {
    const acme = await registerCustomer('Acme', 'premium');
    const bolt = await registerCustomer('Bolt', 'standard', 5);
    const premium = await openTicket(acme, '2026-11-30T20:00:00.000Z');
    const standard = await openTicket(bolt, '2026-11-30T20:30:00.000Z', 'forum');

    expect(await queueItem(premium)).toMatchObject({
      customerId: acme,
      customerName: 'Acme',
      plan: 'premium',
      handlingPriority: 'priority',
      channel: 'email',
      status: 'on-track',
      deadline: '2026-12-01T13:30:00.000Z',
      businessMinutesLeft: 180,
      isCalendarOpen: true,
    });
    await queueItem(standard);
    expect((await queue()).map((item) => item.ticketId)).toEqual([premium, standard]);
    expect((await queue('?plan=standard')).map((item) => item.ticketId)).toEqual([standard]);
    expect((await queue(`?customerId=${acme}`)).map((item) => item.ticketId)).toEqual([premium]);
    expect((await queue('?status=breached')).map((item) => item.ticketId)).toEqual([]);
    const page = await engine.call('GET', '/queue?limit=1&offset=1', { as: 'agent' });
    expect(page.json).toMatchObject({ total: 2, limit: 1, offset: 1, asOf: NOW, items: [{ ticketId: standard }] });
    expect((await queue('?channel=forum&q=BOLT')).map((item) => item.ticketId)).toEqual([standard]);
    expect((await queue(`?q=${premium.slice(0, 8)}&sort=received`)).map((item) => item.ticketId)).toEqual([premium]);
    expect((await queue('?sort=received')).map((item) => item.ticketId)).toEqual([premium, standard]);
  });

  it('refuses a bad query with a problem naming the parameter', async () => {
    const expectBad = (answer: Answer, path: string): void => {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.json).toMatchObject({ code: 'invalid-request', errors: [expect.objectContaining({ path })] });
    };
    expectBad(await engine.call('GET', '/queue?limit=0', { as: 'ops' }), 'limit');
    expectBad(await engine.call('GET', '/queue?status=late', { as: 'ops' }), 'status');
    expectBad(await engine.call('GET', '/queue?channel=fax', { as: 'ops' }), 'channel');
    expectBad(await engine.call('GET', '/queue?sort=colour', { as: 'ops' }), 'sort');
    expectBad(await engine.call('GET', `/queue?q=${'x'.repeat(201)}`, { as: 'ops' }), 'q');
    expectBad(await engine.call('GET', '/queue?q=%20', { as: 'ops' }), 'q');
    expectBad(await engine.call('GET', '/compliance?period=year', { as: 'ops' }), 'period');
    expect((await engine.call('GET', '/breaches?colour=red', { as: 'ops' })).status).toBe(400);
    expect((await engine.call('GET', '/customers')).status).toBe(401);
  });

  it('marks a ticket breached when its timers fire, and logs the breach and the escalation', async () => {
    const acme = await registerCustomer('Acme', 'premium');
    // received at 08:00, due at 12:00, escalated at 13:00: all before now
    const late = await openTicket(acme, '2026-11-30T13:00:00.000Z');

    expect(await queueItem(late, 'breached')).toMatchObject({
      deadline: '2026-11-30T17:00:00.000Z',
      breachedAt: '2026-11-30T17:00:00.000Z',
      businessMinutesLeft: -240,
      isDeadlineExtendedAfterBreach: false,
      problem: null,
    });
    const log = await eventually(async () => {
      const answer = await engine.call('GET', '/breaches', { as: 'ops' });
      const items = (answer.json as unknown as { items: Record<string, unknown>[] }).items;
      expect(items).toHaveLength(2);
      return items;
    });
    expect(log.map((entry) => [entry.kind, entry.ticketId, entry.customerId, entry.customerName, entry.plan])).toEqual(
      expect.arrayContaining([
        ['breach', late, acme, 'Acme', 'premium'],
        ['escalation', late, acme, 'Acme', 'premium'],
      ]),
    );
    // dated when they fell due (12:00 and 13:00 Toronto), detected when the engine noticed them
    expect(log.map((entry) => [entry.kind, entry.occurredAt, entry.detectedAt])).toEqual(
      expect.arrayContaining([
        ['breach', '2026-11-30T17:00:00.000Z', NOW],
        ['escalation', '2026-11-30T18:00:00.000Z', NOW],
      ]),
    );
    const escalations = await engine.call('GET', '/breaches?kind=escalation', { as: 'lead' });
    expect(escalations.json).toMatchObject({ total: 1, items: [{ kind: 'escalation', level: 1 }] });
  });

  it('counts first responses met and missed per plan, and takes answered tickets out of the queue', async () => {
    const acme = await registerCustomer('Acme', 'premium');
    const quick = await openTicket(acme, '2026-11-30T20:00:00.000Z');
    const late = await openTicket(acme, '2026-11-30T14:00:00.000Z');
    await queueItem(late, 'breached');
    for (const ticket of [quick, late]) {
      expect((await engine.call('POST', `/tickets/${ticket}/responses`, { as: 'agent', body: {} })).status).toBe(201);
    }

    await eventually(async () => expect(await queue()).toEqual([]));
    const compliance = await engine.call('GET', '/compliance?period=week', { as: 'auditor' });
    expect(compliance.json).toEqual({
      items: [
        {
          plan: 'premium',
          period: '2026-W49',
          periodStart: '2026-11-30T05:00:00.000Z',
          periodEnd: '2026-12-07T05:00:00.000Z',
          periodStartLocal: '2026-11-30T00:00:00.000-05:00',
          periodEndLocal: '2026-12-07T00:00:00.000-05:00',
          zone: 'America/Toronto',
          applicable: 2,
          met: 1,
          missed: 1,
          open: 0,
          rate: 0.5,
          medianSupportMinutes: 60,
          p90SupportMinutes: 420,
          medianCalendarMinutes: 60,
          p90CalendarMinutes: 420,
        },
      ],
    });
  });

  it('shows customers with their standing and usage', async () => {
    const acme = await registerCustomer('Acme', 'premium', 10);
    await openTicket(acme, '2026-11-30T20:00:00.000Z');
    const flagged = await engine.call('POST', `/customers/${acme}/flag`, {
      as: 'agent',
      body: { reason: 'Many questions answered in the guide' },
    });
    expect(flagged.status).toBeLessThan(300);

    const customer = await eventually(async () => {
      const answer = await engine.call('GET', '/customers?flagged=true', { as: 'auditor' });
      const [flagged] = (answer.json as unknown as { items: Record<string, unknown>[] }).items;
      expect(flagged).toBeDefined();
      return flagged;
    });
    expect(customer).toMatchObject({
      customerId: acme,
      name: 'Acme',
      licences: 10,
      plan: 'premium',
      isPlanEligible: true,
      isFlagged: true,
      flagReason: 'Many questions answered in the guide',
      usage: { ticketsInWindow: 1, ticketsPerLicence: 0.1, isSuggested: false },
      professionalServices: [],
    });
    expect((await engine.call('GET', '/customers?flagged=false', { as: 'auditor' })).json).toMatchObject({ total: 0 });
  });

  it('reports how far the read models are behind the log', async () => {
    const acme = await registerCustomer('Acme', 'premium');
    await openTicket(acme, '2026-11-30T20:00:00.000Z');
    await eventually(async () => {
      const answer = await engine.call('GET', '/health/projections', { as: 'ops' });
      expect(answer.json).toMatchObject({ behind: 0, state: 'live' });
    });
    const metrics = await engine.call('GET', '/metrics', { as: 'ops' });
    expect(metrics.body).toMatch(/^sla_projection_lag_positions 0$/m);
    expect(metrics.body).toMatch(/^sla_projection_lag_seconds 0$/m);
  });
});
