import { type TicketEvent, UPCASTERS } from '@app/domain';
import { FixedClock } from '@app/clock';
import { type EventStore, openEventStore, type RecordedEvent } from '@app/event-store';
import { fixedPolicies } from '@app/policy';
import { InProcessTimerScheduler, reconcileTimers } from '@app/scheduling';
import { bookOf } from '@app/domain/test-support/policies';
import { aTicketOpened } from '@app/domain/test-support/ticket-builders';
import { stored } from '@app/event-store/test-support/events';
import { aRoundTheClockSla, roundTheClockPolicy } from './test-support/reactor.fixtures';
import { openReadModelDb, OpenClocks, ProjectionRunner, WORKER_READ_MODELS } from '@app/projections';
import { impliedTimers } from './implied-timers';
import { TimerReactor } from './timer-reactor';

const OPENED_AT = '2026-11-30T15:00:00.000Z';
const policies = bookOf(roundTheClockPolicy({ allowanceMinutes: 60, atRiskPercent: 75, escalationDelayMinutes: 30 }));
const source = fixedPolicies(policies);
const running = aRoundTheClockSla({ asOf: OPENED_AT, deadline: '2026-11-30T16:00:00.000Z', allowanceMinutes: 60 });
const ticketOpened = (ticketId: string): TicketEvent =>
  aTicketOpened({
    ticketId,
    customerId: 'c-1',
    plan: 'standard',
    channel: 'forum',
    receivedAt: OPENED_AT,
    sla: running,
  });
const { deadline: _runningDeadline, atRiskDueAt: _runningAtRisk, ...runningTerms } = running;

const pausedForTraining = (ticketId: string, at = '2026-11-30T15:20:00.000Z', elapsedMinutes = 20): TicketEvent => ({
  type: 'SlaClockPausedForTraining',
  data: {
    ticketId,
    pausedAt: at,
    remainingMinutes: Math.max(0, 60 - elapsedMinutes),
    sla: {
      ...runningTerms,
      status: 'Paused',
      elapsedMinutes,
      asOf: at,
      isPausedForTraining: true,
      timerGeneration: 2,
      ...(elapsedMinutes >= 60 ? { deadline: running.deadline } : {}),
    },
  },
});

const resumed = (ticketId: string): TicketEvent => ({
  type: 'SlaClockResumed',
  data: {
    ticketId,
    resumedAt: '2026-11-30T17:00:00.000Z',
    remainingMinutes: 40,
    sla: {
      ...running,
      elapsedMinutes: 20,
      asOf: '2026-11-30T17:00:00.000Z',
      deadline: '2026-11-30T17:40:00.000Z',
      timerGeneration: 3,
    },
  },
});

const waived = (ticketId: string): TicketEvent => ({
  type: 'DeadlineWaived',
  data: {
    ticketId,
    reason: 'goodwill',
    waivedBy: 'lead-1',
    waivedByRole: 'lead',
    waivedAt: '2026-11-30T15:10:00.000Z',
    previousDeadline: running.deadline,
    sla: {
      ...running,
      status: 'Stopped',
      stoppedBecause: 'waived',
      asOf: '2026-11-30T15:10:00.000Z',
      timerGeneration: 2,
    },
  },
});

describe('TimerReactor', () => {
  let store: EventStore;
  let scheduler: InProcessTimerScheduler;
  const fired = jest.fn(async () => undefined);

  const pendingIds = async (): Promise<string[]> => (await scheduler.listPending()).map((timer) => timer.id).sort();

  const append = async (ticketId: string, ...events: TicketEvent[]): Promise<RecordedEvent[]> => {
    await store.append(
      `ticket-${ticketId}`,
      events.map((event) => stored(event)),
      { expectedRevision: 'any' },
    );
    const recorded: RecordedEvent[] = [];
    for await (const event of store.readStream(`ticket-${ticketId}`)) recorded.push(event);
    return recorded.slice(-events.length);
  };

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
    scheduler = new InProcessTimerScheduler(new FixedClock(OPENED_AT), { handler: fired, onFailure: fired });
  });

  afterEach(async () => {
    await scheduler.close();
    await store.close();
    expect(fired).not.toHaveBeenCalled();
  });

  it('schedules the at-risk, breach and escalation timers of an opened ticket, at their instants', async () => {
    const reactor = new TimerReactor(store, scheduler, source);
    const [opened] = await append('t1', ticketOpened('t1'));

    await reactor.handle(opened as RecordedEvent);

    expect(await scheduler.listPending()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'at-risk__t1__first-response__1', dueAt: '2026-11-30T15:45:00.000Z' }),
        expect.objectContaining({ id: 'breach__t1__first-response__1', dueAt: '2026-11-30T16:00:00.000Z' }),
        expect.objectContaining({ id: 'escalation__t1__first-response__1', dueAt: '2026-11-30T16:30:00.000Z' }),
      ]),
    );
    expect(await scheduler.listPending()).toHaveLength(3);
  });

  it('cancels every timer on a pause and schedules the next generation on resume', async () => {
    const reactor = new TimerReactor(store, scheduler, source);
    const events = await append('t1', ticketOpened('t1'), pausedForTraining('t1'), resumed('t1'));
    const [opened, paused, resume] = events as [RecordedEvent, RecordedEvent, RecordedEvent];

    await reactor.handle(opened);
    await reactor.handle(paused);
    expect(await pendingIds()).toEqual([]);

    await reactor.handle(resume);
    expect(await pendingIds()).toEqual([
      'at-risk__t1__first-response__3',
      'breach__t1__first-response__3',
      'escalation__t1__first-response__3',
    ]);
    expect((await scheduler.listPending()).find((timer) => timer.payload.kind === 'breach')?.dueAt).toBe(
      '2026-11-30T17:40:00.000Z',
    );
  });

  it('keeps the breach timer of a clock paused after its allowance ran out: it is still breached at its deadline', async () => {
    const reactor = new TimerReactor(store, scheduler, source);
    const events = await append('t1', ticketOpened('t1'), pausedForTraining('t1', '2026-11-30T16:10:00.000Z', 70));
    const [opened, paused] = events as [RecordedEvent, RecordedEvent];

    await reactor.handle(opened);
    await reactor.handle(paused);

    expect(await scheduler.listPending()).toEqual([
      expect.objectContaining({ id: 'breach__t1__first-response__2', dueAt: running.deadline }),
    ]);
  });

  it('cancels the timers of a waived deadline and leaves other tickets alone', async () => {
    const reactor = new TimerReactor(store, scheduler, source);
    const [other] = await append('t2', ticketOpened('t2'));
    const [opened, waive] = (await append('t1', ticketOpened('t1'), waived('t1'))) as [RecordedEvent, RecordedEvent];

    for (const event of [other as RecordedEvent, opened, waive]) await reactor.handle(event);

    expect(await pendingIds()).toEqual([
      'at-risk__t2__first-response__1',
      'breach__t2__first-response__1',
      'escalation__t2__first-response__1',
    ]);
  });

  it('gives the same result when an event is handled again, or first handled by a reactor that just started', async () => {
    const events = await append('t1', ticketOpened('t1'), pausedForTraining('t1'), resumed('t1'));
    const [opened, paused, resume] = events as [RecordedEvent, RecordedEvent, RecordedEvent];
    await new TimerReactor(store, scheduler, source).handle(opened);
    await new TimerReactor(store, scheduler, source).handle(opened);
    await new TimerReactor(store, scheduler, source).handle(paused);
    const restarted = new TimerReactor(store, scheduler, source);
    await restarted.handle(resume);
    await restarted.handle(resume);

    expect(await pendingIds()).toEqual([
      'at-risk__t1__first-response__3',
      'breach__t1__first-response__3',
      'escalation__t1__first-response__3',
    ]);
  });
});

describe('reconciling the timers with the open clocks', () => {
  it('schedules what the open clocks imply, cancels orphans and counts both', async () => {
    const store = await openEventStore('memory:', UPCASTERS);
    const scheduler = new InProcessTimerScheduler(new FixedClock(OPENED_AT), {
      handler: async () => undefined,
      onFailure: () => undefined,
    });
    await store.append('ticket-t1', [stored(ticketOpened('t1'))], { expectedRevision: 'any' });
    await store.append('ticket-t2', [stored(ticketOpened('t2')), stored(waived('t2'))], {
      expectedRevision: 'any',
    });
    await store.append('ticket-t3', [stored(ticketOpened('t3'))], { expectedRevision: 'any' });
    const db = openReadModelDb(':memory:');
    await new ProjectionRunner(store, db, WORKER_READ_MODELS, new FixedClock(OPENED_AT)).catchUp();
    const reconcile = () => reconcileTimers(scheduler, impliedTimers(new OpenClocks(db), policies));
    const reactor = new TimerReactor(store, scheduler, source);
    for await (const event of store.readStream('ticket-t1')) await reactor.handle(event);
    await scheduler.cancel('escalation__t1__first-response__1');
    const orphan = { ...(await scheduler.listPending())[0]!, id: 'breach__gone__first-response__1' };
    await scheduler.schedule(orphan);

    const report = await reconcile();

    expect(report).toEqual({ implied: 6, pending: 3, added: 4, removed: 1, kept: 2, busy: 0 });
    expect((await scheduler.listPending()).map((timer) => timer.id).sort()).toEqual([
      'at-risk__t1__first-response__1',
      'at-risk__t3__first-response__1',
      'breach__t1__first-response__1',
      'breach__t3__first-response__1',
      'escalation__t1__first-response__1',
      'escalation__t3__first-response__1',
    ]);
    expect(await reconcile()).toEqual({ implied: 6, pending: 6, added: 0, removed: 0, kept: 6, busy: 0 });
    await scheduler.close();
    await store.close();
  });
});
