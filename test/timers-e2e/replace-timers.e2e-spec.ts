import { eventually } from '@app/clock/test-support/eventually';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RecordedEvent } from '@app/event-store';
import { type Timer, TIMER_QUEUE } from '@app/scheduling';
import { openTicket, sendTicketCommand } from '@app/reactors/test-support/reactor.fixtures';
import { TimersEngine, POLL_MS } from './engine';

const RECEIVED_AT = '2025-12-31T12:00:00.000Z';
/** About 3.8 and 5.7 years: nothing comes due during the test unless a test puts it there. */
const POLICIES = [
  { version: 'v1', effectiveFrom: '2020-01-01T00:00:00.000Z', allowanceMinutes: 2_000_000, escalationDelayMinutes: 1 },
  { version: 'v2', effectiveFrom: '2026-01-01T00:00:00.000Z', allowanceMinutes: 3_000_000, escalationDelayMinutes: 1 },
];

const idsOf = (ticketId: string, generation: number): string[] =>
  ['at-risk', 'breach', 'escalation'].map((kind) => `${kind}__${ticketId}__first-response__${generation}`);

describe('SLA timers as a ticket changes, one worker process', () => {
  let engine: TimersEngine | undefined;
  let queue: Queue | undefined;
  let connection: Redis | undefined;

  afterEach(async () => {
    await queue?.close();
    connection?.disconnect();
    await engine?.close();
  });

  it('pause, resume, relax, re-plan and waive replace the right timers; a stale timer that fires changes nothing', async () => {
    engine = await TimersEngine.start(POLICIES);
    const { store, policies, clock } = engine;
    connection = new Redis(engine.redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(TIMER_QUEUE, { connection });
    await engine.startWorker('w1');

    const pendingOf = async (ticketId: string): Promise<Timer[]> =>
      (await engine!.pendingTimers())
        .filter((timer) => timer.payload.ticketId === ticketId)
        .sort((a, b) => a.id.localeCompare(b.id));
    const expectPending = async (ticketId: string, ids: string[]): Promise<Timer[]> => {
      await eventually(
        async () => expect((await pendingOf(ticketId)).map((timer) => timer.id)).toEqual(ids),
        20_000,
        POLL_MS,
      );
      return pendingOf(ticketId);
    };
    const send = async (type: Parameters<typeof sendTicketCommand>[2], data: Record<string, unknown> = {}) => {
      const { events } = await sendTicketCommand(store, policies, type, { ticketId: 'changing', ...data }, clock.now());
      expect(events).toHaveLength(1);
      return events[0] as RecordedEvent<{ sla: { deadline?: string; timerGeneration: number } }>;
    };
    const breachDueAt = (timers: readonly Timer[]): string | undefined =>
      timers.find((timer) => timer.payload.kind === 'breach')?.dueAt;
    const fireStale = async (generation: number): Promise<void> => {
      const before = await eventsOf('changing');
      const [, breachId] = idsOf('changing', generation);
      await engine!.scheduleDirectly({
        id: breachId as string,
        dueAt: clock.now(),
        payload: { kind: 'breach', ticketId: 'changing', clockId: 'first-response', generation, dueAt: clock.now() },
      });
      await eventually(
        async () => expect(await queue!.getJobState(breachId as string)).toBe('completed'),
        20_000,
        POLL_MS,
      );
      expect(await eventsOf('changing')).toEqual(before);
    };
    const eventsOf = async (ticketId: string): Promise<RecordedEvent[]> => {
      const events: RecordedEvent[] = [];
      for await (const event of store.readStream(`ticket-${ticketId}`)) events.push(event);
      return events;
    };

    await openTicket(store, policies, 'untouched', clock.now(), RECEIVED_AT);
    await openTicket(store, policies, 'changing', clock.now(), RECEIVED_AT);
    const opened = await expectPending('changing', idsOf('changing', 0));

    expect((await send('PauseSlaClockForTraining')).data.sla.timerGeneration).toBe(1);
    await expectPending('changing', []);

    const resumed = await send('ResumeSlaClock');
    const afterResume = await expectPending('changing', idsOf('changing', 2));
    expect(breachDueAt(afterResume)).toBe(resumed.data.sla.deadline);
    await fireStale(0);

    const relaxed = await send('RelaxSla');
    const afterRelax = await expectPending('changing', idsOf('changing', 3));
    expect(breachDueAt(afterRelax)).toBe(relaxed.data.sla.deadline);
    expect(Date.parse(breachDueAt(afterRelax) ?? '')).toBeGreaterThan(Date.parse(breachDueAt(afterResume) ?? ''));

    const replanned = await send('ReplanTicket');
    expect(replanned.type).toBe('TicketReplanned');
    const afterReplan = await expectPending('changing', idsOf('changing', 4));
    expect(breachDueAt(afterReplan)).toBe(replanned.data.sla.deadline);
    await fireStale(2);

    await send('WaiveDeadline', { reason: 'goodwill after an outage' });
    await expectPending('changing', []);
    await fireStale(4);

    expect(breachDueAt(opened)).not.toBe(breachDueAt(afterReplan));
    expect((await pendingOf('untouched')).map((timer) => timer.id)).toEqual(idsOf('untouched', 0));
  }, 120_000);
});
