import { bookOf } from '@app/domain/test-support/policies';
import { UPCASTERS } from '@app/domain';
import { FixedClock } from '@app/clock';
import { commandEventId, type EventStore, openEventStore, type RecordedEvent } from '@app/event-store';
import { fixedPolicies } from '@app/policy';
import type { Timer } from '@app/scheduling';
import { FiredTimerHandler, TimerFiredEarly, TimerRefused } from './fired-timer.handler';
import { openTicket, roundTheClockPolicy, sendTicketCommand } from './test-support/reactor.fixtures';
import { foldTicket, timersOfTicket } from './ticket-timers';

const OPENED_AT = '2026-11-30T15:00:00.000Z';
const policies = bookOf(roundTheClockPolicy({ allowanceMinutes: 60, atRiskPercent: 75, escalationDelayMinutes: 30 }));
const source = fixedPolicies(policies);

describe('FiredTimerHandler', () => {
  let store: EventStore;
  let clock: FixedClock;
  let handler: FiredTimerHandler;

  const eventsOf = async (ticketId: string): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(`ticket-${ticketId}`)) events.push(event);
    return events;
  };

  const timerOf = async (ticketId: string, kind: Timer['payload']['kind']): Promise<Timer> => {
    const timer = timersOfTicket(foldTicket(await eventsOf(ticketId)), policies).find(
      (candidate) => candidate.payload.kind === kind,
    );
    if (!timer) throw new Error(`no ${kind} timer for ${ticketId}`);
    return timer;
  };

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
    clock = new FixedClock(OPENED_AT);
    handler = new FiredTimerHandler(store, source, clock);
    await openTicket(store, policies, 't1', OPENED_AT);
  });

  afterEach(() => store.close());

  it('records the breach once, with an event id derived from the timer, however often the timer fires', async () => {
    const breach = await timerOf('t1', 'breach');
    clock.set('2026-11-30T16:00:00.250Z');

    await handler.handle(breach);
    await handler.handle(breach);

    const breaches = (await eventsOf('t1')).filter((event) => event.type === 'SlaBreached');
    expect(breaches).toEqual([
      expect.objectContaining({
        type: 'SlaBreached',
        data: expect.objectContaining({
          ticketId: 't1',
          clockId: 'first-response',
          deadline: '2026-11-30T16:00:00.000Z',
          breachedAt: '2026-11-30T16:00:00.000Z',
          detectedAt: '2026-11-30T16:00:00.250Z',
          timerGeneration: 0,
        }),
        metadata: expect.objectContaining({ actor: { id: 'sla-timers', role: 'system' } }),
      }),
    ]);
    expect(breaches[0]?.id).toBe(commandEventId(breach.id, 0));
  });

  it('changes nothing when a timer of an older generation fires after a pause', async () => {
    const breach = await timerOf('t1', 'breach');
    await sendTicketCommand(
      store,
      policies,
      'PauseSlaClockForTraining',
      { ticketId: 't1' },
      '2026-11-30T15:10:00.000Z',
    );
    const before = await eventsOf('t1');
    clock.set('2026-11-30T16:00:00.000Z');

    await handler.handle(breach);

    expect(await eventsOf('t1')).toEqual(before);
  });

  it('changes nothing when the ticket was answered in time', async () => {
    const atRisk = await timerOf('t1', 'at-risk');
    await sendTicketCommand(store, policies, 'RecordResponse', { ticketId: 't1' }, '2026-11-30T15:20:00.000Z');
    const before = await eventsOf('t1');
    clock.set('2026-11-30T15:45:00.000Z');

    await handler.handle(atRisk);

    expect(await eventsOf('t1')).toEqual(before);
  });

  it('fails so as to be tried again when it fires before the decider accepts it', async () => {
    const escalation = await timerOf('t1', 'escalation');
    clock.set('2026-11-30T16:30:00.000Z');

    await expect(handler.handle(escalation)).rejects.toBeInstanceOf(TimerFiredEarly);
  });

  it('fails for good when the ticket does not exist', async () => {
    const breach = await timerOf('t1', 'breach');
    const orphan = {
      ...breach,
      id: 'breach__nobody__first-response__0',
      payload: { ...breach.payload, ticketId: 'nobody' },
    };

    await expect(handler.handle(orphan)).rejects.toBeInstanceOf(TimerRefused);
  });
});
