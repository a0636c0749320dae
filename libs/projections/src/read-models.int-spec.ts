import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '@app/clock';
import { UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore } from '@app/event-store';
import { ReadModelQueries } from './queries/read-model-queries';
import { ReportQueries } from './reports/report-queries';
import { READ_MODELS } from './read-models';
import { ProjectionRunner } from './runner/projection-runner';
import { openReadModelDb, type ReadModelDb } from './runner/read-model-db';
import { Scenario } from './test-support/scenario';
import { supportDay } from './test-support/support-day';

const PAGE = { limit: 50, offset: 0 };

const dumpTables = (db: ReadModelDb): Record<string, unknown[]> =>
  Object.fromEntries(
    READ_MODELS.flatMap((model) => model.tables).map((table) => [
      table,
      db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(),
    ]),
  );

describe('read models over a day of support', () => {
  let dir: string;
  let store: EventStore;
  let scenario: Scenario;
  const clock = new FixedClock('2026-11-30T21:30:00.000Z');
  const opened: ReadModelDb[] = [];
  const runners: ProjectionRunner[] = [];

  const open = (name: string): ReadModelDb => {
    const db = openReadModelDb(join(dir, name));
    opened.push(db);
    return db;
  };
  const runnerOn = (db: ReadModelDb, batchSize?: number): ProjectionRunner => {
    const runner = new ProjectionRunner(store, db, READ_MODELS, clock, batchSize ? { batchSize } : {});
    runners.push(runner);
    return runner;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-models-'));
    store = await openEventStore('memory:', UPCASTERS);
    scenario = new Scenario(store);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await store.close();
    for (const db of opened.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const caughtUpDb = async (): Promise<ReadModelDb> => {
    await supportDay(scenario);
    const db = open('read-models.db');
    await runnerOn(db).catchUp();
    return db;
  };
  const caughtUp = async (): Promise<ReadModelQueries> => new ReadModelQueries(await caughtUpDb(), scenario.policies);

  it('lists the tickets awaiting a first response, priority-handled first, then by deadline', async () => {
    const queries = await caughtUp();
    const queue = queries.openQueue({}, PAGE, clock.now());

    expect(queue.total).toBe(3);
    expect(queue.items.map(({ ticketId, status, deadline }) => ({ ticketId, status, deadline }))).toEqual([
      { ticketId: 'acme-open', status: 'on-track', deadline: '2026-12-01T14:30:00.000Z' },
      { ticketId: 'bolt-slow', status: 'paused-for-training', deadline: null },
      { ticketId: 'bolt-extra', status: 'out-of-scope', deadline: null },
    ]);
    const [acmeOpen, boltSlow] = queue.items;
    expect(acmeOpen).toMatchObject({
      customerName: 'Acme',
      plan: 'premium',
      handlingPriority: 'priority',
      channel: 'email',
      // asked at 16:30 local: 90 minutes left today, 120 tomorrow from the opening
      businessMinutesLeft: 210,
      isCalendarOpen: true,
    });
    // paused at 12:15 local after 130 support minutes of its 1260
    expect(boltSlow).toMatchObject({ businessMinutesLeft: 1130, isCalendarOpen: true });
    const evening = queries.openQueue({}, PAGE, '2026-12-01T00:30:00.000Z').items[0];
    expect(evening).toMatchObject({ ticketId: 'acme-open', businessMinutesLeft: 120, isCalendarOpen: false });
  });

  it('filters the queue by plan, status and customer, and pages it', async () => {
    const queries = await caughtUp();
    const ids = (filter: Parameters<ReadModelQueries['openQueue']>[0], page = PAGE) =>
      queries.openQueue(filter, page, clock.now()).items.map((item) => item.ticketId);

    expect(ids({ plan: 'standard' })).toEqual(['bolt-slow', 'bolt-extra']);
    expect(ids({ status: 'out-of-scope' })).toEqual(['bolt-extra']);
    expect(ids({ customerId: 'acme' })).toEqual(['acme-open']);
    expect(ids({}, { limit: 1, offset: 1 })).toEqual(['bolt-slow']);
    expect(ids({ channel: 'forum' })).toEqual(['bolt-slow', 'bolt-extra']);
    expect(ids({ channel: 'phone' })).toEqual([]);
  });

  it('searches the queue by subject, customer name or ticket id, in any case', async () => {
    const queries = await caughtUp();
    const ids = (search: string) => queries.openQueue({ search }, PAGE, clock.now()).items.map((item) => item.ticketId);

    expect(ids('ABOUT BOLT-S')).toEqual(['bolt-slow']);
    expect(ids('acm')).toEqual(['acme-open']);
    expect(ids('extra')).toEqual(['bolt-extra']);
    expect(ids('%')).toEqual([]);
    expect(queries.openQueue({ search: 'bolt' }, PAGE, clock.now()).total).toBe(2);
  });

  it.each([
    ['priority', ['acme-open', 'bolt-slow', 'bolt-extra']],
    ['deadline', ['acme-open', 'bolt-slow', 'bolt-extra']],
    ['received', ['bolt-slow', 'bolt-extra', 'acme-open']],
    ['customer', ['acme-open', 'bolt-slow', 'bolt-extra']],
  ] as const)('sorts the queue by %s', async (sort, expected) => {
    const queries = await caughtUp();
    expect(queries.openQueue({}, PAGE, clock.now(), sort).items.map((item) => item.ticketId)).toEqual(expected);
  });

  it('counts first-response clocks met, missed and open per plan and period, with median and p90 minutes', async () => {
    const reports = new ReportQueries(await caughtUpDb(), scenario.policies);
    const answered = {
      plan: 'premium',
      met: 1,
      missed: 1,
      rate: 0.5,
      medianSupportMinutes: 60,
      p90SupportMinutes: 330,
      medianCalendarMinutes: 60,
      p90CalendarMinutes: 330,
    };
    // acme-open is due on Tuesday 1 December: in the week of the others, not in their month
    expect(reports.compliance({ period: 'week' }, clock.now())).toEqual([
      expect.objectContaining({ ...answered, period: '2026-W49', applicable: 3, open: 1 }),
    ]);
    expect(reports.compliance({ period: 'month', plan: 'premium' }, clock.now())).toEqual([
      expect.objectContaining({ ...answered, period: '2026-11', applicable: 2, open: 0 }),
      expect.objectContaining({ period: '2026-12', applicable: 1, met: 0, missed: 0, open: 1, rate: null }),
    ]);
    expect(reports.compliance({ period: 'month', plan: 'standard' }, clock.now())).toEqual([]);
  });

  it('shows each customer with standing, usage against the flag suggestion and billed professional services', async () => {
    const queries = await caughtUp();
    const bolt = queries.customer('bolt', clock.now());

    expect(bolt).toMatchObject({
      name: 'Bolt',
      licences: 5,
      plan: 'standard',
      isPlanEligible: true,
      isFlagged: true,
      flagReason: 'many basic questions',
      isTrainingRequired: true,
      usage: { ticketsInWindow: 2, ticketsPerLicence: 0.4, threshold: 2, windowDays: 30, isSuggested: false },
      professionalServices: [{ currency: 'CAD', hours: 2, amount: 300, entries: 1 }],
    });
    expect(queries.customers({ isFlagged: false }, PAGE, clock.now()).items.map((c) => c.customerId)).toEqual(['acme']);
  });

  it('logs every breach and escalation, newest first', async () => {
    const queries = await caughtUp();
    expect(queries.breachLog({}, PAGE).items).toEqual([
      expect.objectContaining({
        kind: 'escalation',
        ticketId: 'acme-late',
        customerId: 'acme',
        occurredAt: '2026-11-30T20:00:00.000Z',
        level: 1,
      }),
      expect.objectContaining({
        kind: 'breach',
        ticketId: 'acme-late',
        deadline: '2026-11-30T19:00:00.000Z',
        occurredAt: '2026-11-30T19:00:00.000Z',
        level: null,
      }),
    ]);
  });

  it('gives the same tables when rebuilt from zero as when followed live', async () => {
    const liveDb = open('live.db');
    const live = runnerOn(liveDb);
    live.start();
    await supportDay(scenario);
    let last = 0;
    for await (const event of store.readAll()) last = event.position;
    await live.waitFor(last, 5_000);

    const rebuiltDb = open('rebuilt.db');
    await runnerOn(rebuiltDb, 3).catchUp();

    expect(dumpTables(rebuiltDb)).toEqual(dumpTables(liveDb));
    expect(dumpTables(liveDb).open_clocks).toHaveLength(3);
  });
});
