import { parse } from 'csv-parse/sync';
import { type Answer, type Engine, startEngine } from '../api/support/engine';
import { eventually } from '@app/clock/test-support/eventually';

/** Monday 2026-11-30, 16:00 in Toronto (EST, UTC-5). */
const NOW = '2026-11-30T21:00:00.000Z';

type Row = Record<string, unknown>;

/** A JSON report row as its CSV cells: empty for null, lists joined by `; `, an object's values by spaces. */
const asCells = (row: Row): Record<string, string> => {
  const cell = (value: unknown): string =>
    value === null
      ? ''
      : Array.isArray(value)
        ? value.map(cell).join('; ')
        : typeof value === 'object'
          ? Object.values(value as object)
              .map(cell)
              .join(' ')
          : String(value);
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, cell(value)]));
};

describe('reports over HTTP, for a day of known tickets', () => {
  let engine: Engine;
  const tickets: Record<string, string> = {};
  let acme = '';
  let bolt = '';

  beforeAll(async () => {
    engine = await startEngine({ now: NOW });
    const register = async (name: string, plan: string, licences: number): Promise<string> => {
      const answer = await engine.call('POST', '/customers', { as: 'admin', body: { name, licences, plan } });
      expect(answer.status).toBe(201);
      return answer.json.id as string;
    };
    const open = async (name: string, customerId: string, receivedAt: string, channel: string) => {
      const answer = await engine.call('POST', '/tickets', {
        as: 'agent',
        body: { customerId, channel, subject: name, receivedAt },
      });
      expect(answer.status).toBe(201);
      tickets[name] = answer.json.id as string;
    };
    const respond = async (name: string, by: string) => {
      const answer = await engine.call('POST', `/tickets/${tickets[name]}/responses`, { as: 'agent', body: { by } });
      expect(answer.status).toBe(201);
    };
    acme = await register('Acme', 'premium', 20);
    bolt = await register('Bolt', 'priority', 15);
    await open('late', acme, '2026-11-30T14:00:00.000Z', 'email'); // 09:00, due 13:00 (18:00 UTC)
    await open('quick', acme, '2026-11-30T20:00:00.000Z', 'forum'); // 15:00, due Tuesday
    await open('forgotten', acme, '2026-11-30T13:00:00.000Z', 'email'); // 08:00, due 12:00 (17:00 UTC)
    await open('fresh', bolt, '2026-11-30T20:30:00.000Z', 'email'); // priority, due Tuesday 15:30
    await eventually(async () => {
      const breaches = (await report('/reports/breaches')).json.items as Row[];
      expect(breaches.filter((row) => row.kind === 'breach')).toHaveLength(2);
    });
    await respond('late', 'alice');
    await respond('quick', 'bob');
    await eventually(async () => expect((await report('/reports/agents')).json.items).toHaveLength(2));
  });

  afterAll(() => engine.close());

  const report = async (path: string, accept?: string): Promise<Answer> => {
    const answer = await engine.call('GET', path, { as: 'lead', ...(accept ? { headers: { accept } } : {}) });
    expect(answer.status).toBe(200);
    return answer;
  };
  const asCsv = async (path: string): Promise<{ header: string[]; rows: Record<string, string>[]; raw: string }> => {
    const answer = await report(path, 'text/csv');
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const raw = answer.body as string;
    const [header] = parse(raw, { to_line: 1 }) as string[][];
    return { header: header ?? [], rows: parse(raw, { columns: true }) as Record<string, string>[], raw };
  };

  it('counts the open ticket past its deadline as missed, per plan and month, with exact minutes', async () => {
    const { items } = (await report('/reports/compliance?period=month')).json as { items: Row[] };
    expect(items).toEqual([
      {
        plan: 'premium',
        period: '2026-11',
        periodStart: '2026-11-01T04:00:00.000Z',
        periodStartLocal: '2026-11-01T00:00:00.000-04:00',
        periodEnd: '2026-12-01T05:00:00.000Z',
        periodEndLocal: '2026-12-01T00:00:00.000-05:00',
        zone: 'America/Toronto',
        applicable: 3,
        met: 1,
        missed: 2,
        open: 0,
        rate: 1 / 3,
        // quick: 60 minutes; late: 09:00 to 16:00, 420 minutes, support and calendar alike
        medianSupportMinutes: 60,
        p90SupportMinutes: 420,
        medianCalendarMinutes: 60,
        p90CalendarMinutes: 420,
      },
      expect.objectContaining({ plan: 'priority', period: '2026-12', applicable: 1, open: 1, rate: null }),
    ]);
  });

  it('gives the same report as RFC 4180 CSV with a header row', async () => {
    const path = '/reports/compliance?period=month';
    const { items } = (await report(path)).json as { items: Row[] };
    const csv = await asCsv(path);
    expect(csv.header).toEqual(Object.keys(items[0] as Row));
    expect(csv.rows).toEqual(items.map(asCells));
    expect(csv.raw.split('\r\n')).toHaveLength(items.length + 2);
  });

  it('narrows the report to a range, a plan, a customer, an agent or a channel', async () => {
    const figures = async (query: string) =>
      ((await report(`/reports/compliance?${query}`)).json.items as Row[]).map(
        ({ plan, period, met, missed, open }) => ({
          plan,
          period,
          met,
          missed,
          open,
        }),
      );
    // late is placed at its deadline 18:00 UTC, quick at its response 21:00 UTC, forgotten at 17:00 UTC
    expect(await figures('period=day&from=2026-11-30T17:30:00Z&to=2026-11-30T23:00:00Z')).toEqual([
      { plan: 'premium', period: '2026-11-30', met: 1, missed: 1, open: 0 },
    ]);
    expect(await figures('agent=alice')).toEqual([{ plan: 'premium', period: '2026-11', met: 0, missed: 1, open: 0 }]);
    expect(await figures('channel=forum')).toEqual([
      { plan: 'premium', period: '2026-11', met: 1, missed: 0, open: 0 },
    ]);
    expect(await figures('plan=priority')).toEqual([
      { plan: 'priority', period: '2026-12', met: 0, missed: 0, open: 1 },
    ]);
    expect(await figures(`customerId=${bolt}`)).toEqual(await figures('plan=priority'));
  });

  it('lists the breaches in the range with their deadlines in UTC and in the calendar zone, and as CSV', async () => {
    const path = '/reports/breaches?period=day';
    const { items } = (await report(path)).json as { items: Row[] };
    const breaches = items.filter((row) => row.kind === 'breach');
    expect(
      breaches.map(({ ticketId, customerName, channel, period, deadline, deadlineLocal, respondedBy }) => ({
        ticketId,
        customerName,
        channel,
        period,
        deadline,
        deadlineLocal,
        respondedBy,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          ticketId: tickets.forgotten,
          customerName: 'Acme',
          channel: 'email',
          period: '2026-11-30',
          deadline: '2026-11-30T17:00:00.000Z',
          deadlineLocal: '2026-11-30T12:00:00.000-05:00',
          respondedBy: null,
        },
        {
          ticketId: tickets.late,
          customerName: 'Acme',
          channel: 'email',
          period: '2026-11-30',
          deadline: '2026-11-30T18:00:00.000Z',
          deadlineLocal: '2026-11-30T13:00:00.000-05:00',
          respondedBy: 'alice',
        },
      ]),
    );
    expect(breaches).toHaveLength(2);
    const csv = await asCsv(path);
    expect(csv.rows).toEqual(items.map(asCells));
    expect(((await report('/reports/breaches?agent=alice')).json.items as Row[]).map((row) => row.ticketId)).toEqual(
      items.filter((row) => row.respondedBy === 'alice').map((row) => row.ticketId),
    );
    expect((await report('/reports/breaches?to=2026-11-30T17:00:00Z')).json.items).toEqual([]);
  });

  it('gives each customer their tickets, outcomes and tickets per licence, and each agent their responses', async () => {
    const customers = (await report('/reports/customers')).json.items as Row[];
    expect(customers).toEqual([
      {
        customerId: acme,
        name: 'Acme',
        externalRefs: [],
        plan: 'premium',
        licences: 20,
        tickets: 3,
        met: 1,
        missed: 2,
        open: 0,
        ticketsPerLicence: 3 / 20,
        usageWindowDays: 30,
        billed: [],
      },
      {
        customerId: bolt,
        name: 'Bolt',
        externalRefs: [],
        plan: 'priority',
        licences: 15,
        tickets: 1,
        met: 0,
        missed: 0,
        open: 1,
        ticketsPerLicence: 1 / 15,
        usageWindowDays: 30,
        billed: [],
      },
    ]);
    const agents = (await report('/reports/agents')).json.items as Row[];
    expect(agents).toEqual([
      { agent: 'alice', responses: 1, met: 0, missed: 1, medianSupportMinutes: 420, medianCalendarMinutes: 420 },
      { agent: 'bob', responses: 1, met: 1, missed: 0, medianSupportMinutes: 60, medianCalendarMinutes: 60 },
    ]);
    expect((await asCsv('/reports/agents')).rows).toEqual(agents.map(asCells));
  });

  it('refuses a bad range, an unknown parameter and a media type it cannot give', async () => {
    const refused = async (path: string, accept?: string) =>
      engine.call('GET', path, { as: 'agent', ...(accept ? { headers: { accept } } : {}) });
    for (const path of [
      '/reports/compliance?from=yesterday',
      '/reports/compliance?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z',
      '/reports/breaches?period=year',
      '/reports/customers?sort=name',
    ]) {
      const answer = await refused(path);
      expect([path, answer.status, answer.headers.get('content-type')]).toEqual([
        path,
        400,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
    }
    const notAcceptable = await refused('/reports/compliance', 'application/xml');
    expect(notAcceptable.status).toBe(406);
    expect(notAcceptable.json.code).toBe('not-acceptable');
    expect((await engine.call('GET', '/reports/compliance')).status).toBe(401);
  });
});
