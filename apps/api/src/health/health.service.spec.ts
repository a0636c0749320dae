import { Test } from '@nestjs/testing';
import { FixedClock } from '@app/clock';
import { InMemoryEventStore, LogProcessors } from '@app/event-store';
import { aNewEvent } from '@app/event-store/test-support/events';
import {
  openClocksProjection,
  type Projection,
  ProjectionRunner,
  READ_MODEL_DB,
  type ReadModelDb,
  openReadModelDb,
} from '@app/projections';
import { CLOCK } from '@app/clock';
import { HealthService } from './health.service';

const NOW = '2026-11-30T15:00:10.000Z';

/** Applies nothing, but refuses a `Poison` event the way a broken read model would. */
const refusingPoison: Projection = {
  name: 'refusing',
  version: 1,
  tables: [],
  migrate: () => undefined,
  bind: () => ({
    apply: (event) => {
      if (event.type === 'Poison') throw new Error('cannot apply Poison');
    },
  }),
};

const waitUntil = async (what: string, condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> => {
  const start = performance.now();
  while (!(await condition())) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('HealthService, without an event store or Redis wired', () => {
  let store: InMemoryEventStore;
  let db: ReadModelDb;
  let runner: ProjectionRunner;
  let health: HealthService;
  let processors: LogProcessors;

  beforeEach(async () => {
    processors = new LogProcessors();
    store = new InMemoryEventStore();
    db = openReadModelDb(':memory:');
    openClocksProjection.migrate(db);
    const clock = new FixedClock(NOW);
    runner = new ProjectionRunner(store, db, [refusingPoison], clock);
    const moduleRef = await Test.createTestingModule({
      providers: [
        HealthService,
        { provide: ProjectionRunner, useValue: runner },
        { provide: READ_MODEL_DB, useValue: db },
        { provide: CLOCK, useValue: clock },
        { provide: LogProcessors, useValue: processors },
      ],
    }).compile();
    await moduleRef.init();
    health = moduleRef.get(HealthService);
  });

  afterEach(async () => {
    await runner.stop();
    db.close();
  });

  it('stays up while the read models lag, and reports the lag', async () => {
    await store.append('ticket-a', [aNewEvent('A'), aNewEvent('A', '2026-11-30T15:00:04.000Z')], {
      expectedRevision: 'any',
    });
    const report = await health.report();
    expect(report.status).toBe('up');
    expect(report.projections).toEqual({
      status: 'up',
      state: 'idle',
      checkpoint: null,
      head: 2,
      behind: 2,
      seconds: 10,
    });
  });

  it('is down while the runner retries a failure, naming it and how far it is behind', async () => {
    const { position } = await store.append('ticket-a', [aNewEvent('A')], { expectedRevision: 'any' });
    runner.start();
    await waitUntil('the runner to follow', async () => (await runner.lag()).state === 'live');
    await store.append('ticket-a', [aNewEvent('Poison', '2026-11-30T15:00:07.000Z')], { expectedRevision: 'any' });
    await waitUntil('the failure', async () => (await runner.lag()).state === 'retrying');
    expect(await health.report()).toEqual({
      status: 'down',
      dependencies: {
        eventStore: { status: 'not-configured', note: 'no event store wired' },
        redis: { status: 'not-configured', note: 'REDIS_URL unset: timers run in process' },
      },
      projections: {
        status: 'down',
        state: 'retrying',
        checkpoint: position,
        head: position + 1,
        behind: 1,
        seconds: 3,
        error: 'cannot apply Poison',
      },
      timers: { status: 'up', workers: null, oldestOverdueMs: 0 },
      processors: { status: 'up', processors: [] },
    });
  });

  it('is down naming the follower and its cause once a reactor has stopped on a refused subscription', async () => {
    const failure = { error: 'subscription to the log ended (access-denied): $all denied', since: NOW, attempts: 1 };
    processors.add({ status: { name: 'alerts', state: 'failed', checkpoint: 7, failure } });
    processors.add({ status: { name: 'timers', state: 'live', checkpoint: 9 } });
    const report = await health.report();
    expect(report.status).toBe('down');
    expect(report.processors).toEqual({
      status: 'down',
      processors: [
        { name: 'alerts', state: 'failed', checkpoint: 7, failure },
        { name: 'timers', state: 'live', checkpoint: 9 },
      ],
    });
  });

  const overdueSince = (deadline: string) => {
    db.prepare('DELETE FROM open_clocks').run();
    db.prepare(
      `INSERT INTO open_clocks (ticket_id, customer_id, plan, policy_version, ticket_status, clock_status,
         timer_generation, deadline, queue_status, priority_rank, received_at, state)
       VALUES ('t1', 'c1', 'premium', '2017-11-23', 'Open', 'Running', 0, ?, 'on-track', 0,
         '2026-11-30T14:00:00.000Z', '{}')`,
    ).run(deadline);
  };

  it('does not read overdue deadlines in read models still catching up, which the log may have breached long ago', async () => {
    overdueSince('2026-11-30T14:00:00.000Z');
    expect(runner.status.state).not.toBe('live');
    expect((await health.report()).timers).toEqual({ status: 'up', workers: null, oldestOverdueMs: 0 });
  });

  it('is down when a deadline passed more than a minute ago with no breach recorded, and up within the minute', async () => {
    runner.start();
    await waitUntil('the runner to follow', async () => (await runner.lag()).state === 'live');
    overdueSince('2026-11-30T14:59:20.000Z');
    expect((await health.report()).timers).toEqual({ status: 'up', workers: null, oldestOverdueMs: 50_000 });
    overdueSince('2026-11-30T14:58:00.000Z');
    const report = await health.report();
    expect(report.status).toBe('down');
    expect(report.timers).toEqual({
      status: 'down',
      workers: null,
      oldestOverdueMs: 130_000,
      reason: expect.stringContaining('130 s ago'),
    });
  });

  it('is down once the runner has stopped following the log', async () => {
    await runner.stop();
    expect(await health.report()).toMatchObject({ status: 'down', projections: { status: 'down', state: 'stopped' } });
  });

  it('is down when the lag cannot be read', async () => {
    jest.spyOn(store, 'readAll').mockImplementation(() => {
      throw new Error('store closed');
    });
    expect(await health.report()).toMatchObject({
      status: 'down',
      projections: { status: 'down', error: 'store closed' },
    });
  });
});
