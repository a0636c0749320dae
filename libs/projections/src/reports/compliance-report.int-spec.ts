import { FixedClock, type Instant } from '@app/clock';
import { FIRST_RESPONSE_CLOCK, UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { READ_MODELS } from '../read-models';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDb } from '../runner/read-model-db';
import { Scenario } from '../test-support/scenario';
import { type ReportFilter, ReportQueries } from './report-queries';

/**
 * Given the events of a few tickets (premium: 240 support minutes; Toronto, 07:30–18:00), then the report rows.
 * Monday 2026-11-30 10:00 in Toronto is 15:00 UTC; its premium deadline is 14:00 (19:00 UTC).
 */
const MONDAY_10 = '2026-11-30T15:00:00.000Z';
const MONDAY_DEADLINE = '2026-11-30T19:00:00.000Z';

type Step = (tickets: Tickets) => Promise<unknown>;

class Tickets {
  constructor(readonly scenario: Scenario) {}

  customer(customerId: string, plan: 'premium' | 'standard' = 'premium', licences = 20) {
    return this.scenario.customer(
      { type: 'RegisterCustomer', data: { customerId, name: customerId, licences, plan } },
      '2026-10-01T12:00:00.000Z',
    );
  }

  open(ticketId: string, receivedAt: Instant, customerId = 'acme', channel: 'email' | 'forum' = 'email') {
    return this.scenario.ticket(
      { type: 'OpenTicket', data: { ticketId, customerId, channel, subject: ticketId, receivedAt } },
      receivedAt,
    );
  }

  respond(ticketId: string, at: Instant, by = 'alice', respondedAt?: Instant) {
    return this.scenario.ticket(
      { type: 'RecordResponse', data: { ticketId, by, ...(respondedAt ? { respondedAt } : {}) } },
      at,
    );
  }

  breach(ticketId: string, at: Instant) {
    const state = this.scenario.ticketState(ticketId);
    const timerGeneration = state.status === 'NotOpened' ? 0 : state.clock.timerGeneration;
    return this.scenario.ticket(
      { type: 'RecordSlaBreach', data: { ticketId, clockId: FIRST_RESPONSE_CLOCK, timerGeneration } },
      at,
      'system',
    );
  }
}

const given = async (...steps: Step[]): Promise<ReportQueries> => {
  const store = await openEventStore('memory:', UPCASTERS);
  const scenario = new Scenario(store);
  const tickets = new Tickets(scenario);
  await tickets.customer('acme');
  for (const step of steps) await step(tickets);
  const db = openReadModelDb(':memory:');
  await new ProjectionRunner(store, db, READ_MODELS, new FixedClock(MONDAY_10)).catchUp();
  await store.close();
  return new ReportQueries(db, scenario.policies);
};

const MONTH: ReportFilter = { period: 'month' };
const NO_ANSWER = {
  medianSupportMinutes: null,
  p90SupportMinutes: null,
  medianCalendarMinutes: null,
  p90CalendarMinutes: null,
};
const figures = (rows: ReturnType<ReportQueries['compliance']>) =>
  rows.map(({ plan, period, applicable, met, missed, open, rate }) => ({
    plan,
    period,
    applicable,
    met,
    missed,
    open,
    rate,
  }));

describe('compliance report, a clock not answered', () => {
  const unanswered = () => given((t) => t.open('late', MONDAY_10));

  it('is open while not yet due, and the rate has nothing to measure', async () => {
    const report = (await unanswered()).compliance(MONTH, '2026-11-30T18:59:00.000Z');
    expect(report).toEqual([
      {
        plan: 'premium',
        period: '2026-11',
        periodStart: '2026-11-01T04:00:00.000Z',
        periodEnd: '2026-12-01T05:00:00.000Z',
        periodStartLocal: '2026-11-01T00:00:00.000-04:00',
        periodEndLocal: '2026-12-01T00:00:00.000-05:00',
        zone: 'America/Toronto',
        applicable: 1,
        met: 0,
        missed: 0,
        open: 1,
        rate: null,
        ...NO_ANSWER,
      },
    ]);
  });

  it('counts as missed once past its deadline, even before a breach is recorded', async () => {
    const report = (await unanswered()).compliance(MONTH, MONDAY_DEADLINE);
    expect(figures(report)).toEqual([
      { plan: 'premium', period: '2026-11', applicable: 1, met: 0, missed: 1, open: 0, rate: 0 },
    ]);
  });

  it('counts as missed once breached, whatever the time of asking', async () => {
    const queries = await given(
      (t) => t.open('late', MONDAY_10),
      (t) => t.breach('late', MONDAY_DEADLINE),
    );
    expect(figures(queries.compliance(MONTH, MONDAY_10))).toEqual([
      { plan: 'premium', period: '2026-11', applicable: 1, met: 0, missed: 1, open: 0, rate: 0 },
    ]);
  });

  it('counts a breach retracted by a response dated before the deadline as met', async () => {
    const queries = await given(
      (t) => t.open('late', MONDAY_10),
      (t) => t.breach('late', MONDAY_DEADLINE),
      (t) => t.respond('late', '2026-11-30T21:00:00.000Z', 'alice', '2026-11-30T18:00:00.000Z'),
    );
    expect(figures(queries.compliance(MONTH, '2026-11-30T21:00:00.000Z'))).toEqual([
      { plan: 'premium', period: '2026-11', applicable: 1, met: 1, missed: 0, open: 0, rate: 1 },
    ]);
  });

  it('no longer counts a breach retracted by a training pause dated before the deadline: the clock has no deadline', async () => {
    const queries = await given(
      (t) => t.open('late', MONDAY_10),
      (t) => t.breach('late', MONDAY_DEADLINE),
      (t) =>
        t.scenario.ticket(
          { type: 'PauseSlaClockForTraining', data: { ticketId: 'late', occurredAt: '2026-11-30T16:00:00.000Z' } },
          '2026-11-30T20:00:00.000Z',
        ),
    );
    expect(figures(queries.compliance(MONTH, '2026-11-30T20:00:00.000Z'))).toEqual([]);
  });

  it('is not applicable once out of scope or waived', async () => {
    const queries = await given(
      (t) => t.open('outside', MONDAY_10),
      (t) => t.open('waived', MONDAY_10),
      (t) =>
        t.scenario.ticket(
          { type: 'MarkTicketOutOfScope', data: { ticketId: 'outside', category: 'beyond-plan' } },
          '2026-11-30T16:00:00.000Z',
        ),
      (t) =>
        t.scenario.ticket(
          { type: 'WaiveDeadline', data: { ticketId: 'waived', reason: 'known outage' } },
          '2026-11-30T16:00:00.000Z',
          'lead',
        ),
    );
    expect(queries.compliance(MONTH, '2026-12-15T00:00:00.000Z')).toEqual([]);
  });
});

describe('compliance report, clocks answered', () => {
  const answered = () =>
    given(
      (t) => t.open('quick', MONDAY_10),
      (t) => t.respond('quick', '2026-11-30T16:00:00.000Z', 'alice'),
      (t) => t.open('slow', MONDAY_10),
      (t) => t.breach('slow', MONDAY_DEADLINE),
      (t) => t.respond('slow', '2026-11-30T21:00:00.000Z', 'bob'),
      (t) => t.open('middle', MONDAY_10),
      (t) => t.respond('middle', '2026-11-30T18:00:00.000Z', 'alice'),
    );

  it('rates met over met and missed, with median and p90 in support and calendar minutes', async () => {
    const report = (await answered()).compliance(MONTH, '2026-12-15T00:00:00.000Z');
    expect(report).toEqual([
      expect.objectContaining({
        plan: 'premium',
        period: '2026-11',
        applicable: 3,
        met: 2,
        missed: 1,
        open: 0,
        rate: 2 / 3,
        // 60, 180 and 360 minutes after receipt, all within Monday's support hours
        medianSupportMinutes: 180,
        p90SupportMinutes: 360,
        medianCalendarMinutes: 180,
        p90CalendarMinutes: 360,
      }),
    ]);
  });

  it('filters by the agent of the first response, the customer and the channel', async () => {
    const queries = await answered();
    const now = '2026-12-15T00:00:00.000Z';
    expect(figures(queries.compliance({ ...MONTH, agent: 'bob' }, now))).toEqual([
      { plan: 'premium', period: '2026-11', applicable: 1, met: 0, missed: 1, open: 0, rate: 0 },
    ]);
    expect(queries.compliance({ ...MONTH, customerId: 'bolt' }, now)).toEqual([]);
    expect(queries.compliance({ ...MONTH, channel: 'forum' }, now)).toEqual([]);
  });

  it('places a met clock at its response and a missed one at its deadline, within [from, to)', async () => {
    const queries = await answered();
    const now = '2026-12-15T00:00:00.000Z';
    const between = (from: Instant, to: Instant) => figures(queries.compliance({ period: 'day', from, to }, now));
    expect(between('2026-11-30T16:00:00.000Z', MONDAY_DEADLINE)).toEqual([
      { plan: 'premium', period: '2026-11-30', applicable: 2, met: 2, missed: 0, open: 0, rate: 1 },
    ]);
    expect(between(MONDAY_DEADLINE, '2026-11-30T19:00:00.001Z')).toEqual([
      { plan: 'premium', period: '2026-11-30', applicable: 1, met: 0, missed: 1, open: 0, rate: 0 },
    ]);
  });

  it('gives each agent their responses, met, missed and median time to first response', async () => {
    const queries = await answered();
    const agents = queries.agents(MONTH, '2026-12-15T00:00:00.000Z');
    expect(agents).toEqual([
      { agent: 'alice', responses: 2, met: 2, missed: 0, medianSupportMinutes: 60, medianCalendarMinutes: 60 },
      { agent: 'bob', responses: 1, met: 0, missed: 1, medianSupportMinutes: 360, medianCalendarMinutes: 360 },
    ]);
  });
});

describe('compliance report, periods in the calendar zone', () => {
  // Friday 2026-10-30 17:00 EDT; daylight saving time ends on Sunday 2026-11-01, the first day of the month.
  const FRIDAY_17 = '2026-10-30T21:00:00.000Z';

  it('cuts a month that starts on a DST change at local midnight, not at midnight UTC', async () => {
    const queries = await given(
      (t) => t.open('october', FRIDAY_17),
      (t) => t.respond('october', '2026-11-01T03:30:00.000Z'), // Saturday 23:30 EDT
      (t) => t.open('november', FRIDAY_17),
      (t) => t.respond('november', '2026-11-01T04:30:00.000Z'), // Sunday 00:30 EDT
    );
    const report = queries.compliance(MONTH, '2026-12-15T00:00:00.000Z');
    expect(report.map(({ period, periodStart, periodEnd, met }) => ({ period, periodStart, periodEnd, met }))).toEqual([
      { period: '2026-10', periodStart: '2026-10-01T04:00:00.000Z', periodEnd: '2026-11-01T04:00:00.000Z', met: 1 },
      { period: '2026-11', periodStart: '2026-11-01T04:00:00.000Z', periodEnd: '2026-12-01T05:00:00.000Z', met: 1 },
    ]);
    // one support hour on Friday, then the weekend: support minutes stop, calendar minutes do not
    expect(report.map((row) => [row.medianSupportMinutes, row.medianCalendarMinutes])).toEqual([
      [60, 1830],
      [60, 1890],
    ]);
  });

  it('starts a week on Monday at local midnight', async () => {
    const queries = await given(
      (t) => t.open('sunday', FRIDAY_17),
      (t) => t.respond('sunday', '2026-11-02T04:59:00.000Z'), // Sunday 23:59 EST
      (t) => t.open('monday', FRIDAY_17),
      (t) => t.respond('monday', '2026-11-02T05:00:00.000Z'), // Monday 00:00 EST
    );
    const report = queries.compliance({ period: 'week' }, '2026-12-15T00:00:00.000Z');
    expect(report.map(({ period, periodStart, met }) => ({ period, periodStart, met }))).toEqual([
      { period: '2026-W44', periodStart: '2026-10-26T04:00:00.000Z', met: 1 },
      { period: '2026-W45', periodStart: '2026-11-02T05:00:00.000Z', met: 1 },
    ]);
  });
});

describe('compliance report, a clock paused for training', () => {
  it('has no deadline, so it is in no period until it runs again', async () => {
    const queries = await given(
      (t) => t.open('paused', MONDAY_10),
      (t) => t.scenario.ticket({ type: 'PauseSlaClockForTraining', data: { ticketId: 'paused' } }, MONDAY_10, 'system'),
    );
    expect(queries.compliance(MONTH, '2026-12-15T00:00:00.000Z')).toEqual([]);
  });
});
