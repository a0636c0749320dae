import { bookOf } from '@app/domain/test-support/policies';
import { ticketDecider, UPCASTERS } from '@app/domain';
import type { Alert, AlertSink } from '@app/alerts';
import { FixedClock } from '@app/clock';
import { handleCommand, openEventStore, type RecordedEvent } from '@app/event-store';
import { fixedPolicies } from '@app/policy';
import type { Timer } from '@app/scheduling';
import { AlertReactor } from './alert-reactor';
import { FiredTimerHandler } from './fired-timer.handler';
import { openTicket, roundTheClockPolicy, sendTicketCommand } from './test-support/reactor.fixtures';
import { foldTicket, timersOfTicket } from './ticket-timers';

const OPENED_AT = '2026-11-30T15:00:00.000Z';
const source = fixedPolicies(bookOf(roundTheClockPolicy({ allowanceMinutes: 60, escalationDelayMinutes: 0 })));

const readTimers = async (store: Awaited<ReturnType<typeof openEventStore>>, ticketId: string) => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(`ticket-${ticketId}`)) events.push(event);
  return timersOfTicket(foldTicket(events), await source.current());
};

/** A ticket opened at `OPENED_AT` whose timers fire, one kind at a time, on a clock the test moves. */
const openTicketWithTimers = async () => {
  const store = await openEventStore('memory:', UPCASTERS);
  const clock = new FixedClock(OPENED_AT);
  await openTicket(store, await source.current(), 't1', OPENED_AT);
  const timers: Timer[] = [];
  for await (const event of store.readStream('ticket-t1'))
    timers.push(...timersOfTicket(foldTicket([event]), await source.current()));
  const handler = new FiredTimerHandler(store, source, clock);
  const fire = (kind: string) => handler.handle(timers.find((timer) => timer.payload.kind === kind) as Timer);
  return { store, clock, fire };
};

describe('AlertReactor', () => {
  it('publishes one alert per at-risk, breach and escalation event, with the event id as alert id, dated when due and when detected', async () => {
    const { store, clock, fire } = await openTicketWithTimers();
    clock.set('2026-11-30T15:50:00.000Z');
    await fire('at-risk');
    clock.set('2026-11-30T16:00:00.250Z');
    await fire('breach');
    await fire('escalation');
    const published: Alert[] = [];
    const sink: AlertSink = { publish: async (alert) => void published.push(alert) };
    const reactor = new AlertReactor(sink, new FixedClock('2026-11-30T15:50:00.100Z'), store);
    const handled: RecordedEvent[] = [];
    for await (const event of store.readAll({ filter: reactor.filter })) {
      handled.push(event);
      await reactor.handle(event);
    }

    expect(handled.map((event) => event.type)).toEqual(['SlaAtRisk', 'SlaBreached', 'SlaBreachEscalated']);
    const common = { ticketId: 't1', clockId: 'first-response', deadline: '2026-11-30T16:00:00.000Z' };
    expect(published).toEqual([
      {
        ...common,
        alertId: handled[0]?.id,
        kind: 'at-risk',
        occurredAt: '2026-11-30T15:45:00.000Z',
        detectedAt: '2026-11-30T15:50:00.000Z',
        recipients: ['lead'],
      },
      {
        ...common,
        alertId: handled[1]?.id,
        kind: 'breach',
        occurredAt: '2026-11-30T16:00:00.000Z',
        detectedAt: '2026-11-30T16:00:00.250Z',
        recipients: ['ops', 'lead'],
      },
      {
        ...common,
        alertId: handled[2]?.id,
        kind: 'escalation',
        occurredAt: '2026-11-30T16:00:00.000Z',
        detectedAt: '2026-11-30T16:00:00.250Z',
        recipients: ['manager'],
      },
    ]);
    await store.close();
  });
});

describe('AlertReactor, when it reaches an at-risk warning after the deadline (downtime)', () => {
  it('sends the breach and escalation but not the at-risk warning recorded before the deadline', async () => {
    const { store, clock, fire } = await openTicketWithTimers();
    clock.set('2026-11-30T15:59:59.000Z');
    await fire('at-risk');
    clock.set('2026-11-30T16:00:00.250Z');
    await fire('breach');
    await fire('escalation');
    const published: Alert[] = [];
    const reactor = new AlertReactor({ publish: async (alert) => void published.push(alert) }, clock, store);
    const handled: string[] = [];
    for await (const event of store.readAll({ filter: reactor.filter })) {
      handled.push(event.type);
      await reactor.handle(event);
    }

    expect(handled).toEqual(['SlaAtRisk', 'SlaBreached', 'SlaBreachEscalated']);
    expect(published.map((alert) => alert.kind)).toEqual(['breach', 'escalation']);
    await store.close();
  });

  it('still sends an at-risk warning it reaches before the deadline', async () => {
    const { store, clock, fire } = await openTicketWithTimers();
    clock.set('2026-11-30T15:59:59.000Z');
    await fire('at-risk');
    const published: Alert[] = [];
    const reactor = new AlertReactor(
      { publish: async (alert) => void published.push(alert) },
      new FixedClock('2026-11-30T15:59:59.999Z'),
      store,
    );
    for await (const event of store.readAll({ filter: reactor.filter })) await reactor.handle(event);

    expect(published.map((alert) => alert.kind)).toEqual(['at-risk']);
    await store.close();
  });
});

describe('AlertReactor, replaying the log from its start', () => {
  it('does not send again an alert recorded longer ago than deliveries are retried, and says so once', async () => {
    const { store, clock, fire } = await openTicketWithTimers();
    clock.set('2026-11-30T16:00:00.250Z');
    await fire('breach');
    await fire('escalation');
    const replay = async (now: string, staleAfterMs: number) => {
      const published: Alert[] = [];
      const stale: RecordedEvent[] = [];
      const reactor = new AlertReactor(
        { publish: async (alert) => void published.push(alert) },
        new FixedClock(now),
        store,
        { staleAfterMs, onFirstStale: (event) => stale.push(event) },
      );
      for await (const event of store.readAll({ filter: reactor.filter })) await reactor.handle(event);
      return { kinds: published.map((alert) => alert.kind), stale: stale.map((event) => event.type) };
    };

    const DAY_MS = 86_400_000;
    expect(await replay('2026-12-01T16:00:00.250Z', DAY_MS)).toEqual({ kinds: ['breach', 'escalation'], stale: [] });
    expect(await replay('2026-12-01T16:00:00.251Z', DAY_MS)).toEqual({ kinds: [], stale: ['SlaBreached'] });
    expect(await replay('2026-12-01T16:00:00.251Z', 2 * DAY_MS)).toEqual({
      kinds: ['breach', 'escalation'],
      stale: [],
    });
    await store.close();
  });
});

describe('AlertReactor, when late evidence retracts a breach', () => {
  it('sends a breach-retracted alert to the breach recipients, dated at the breach it retracts', async () => {
    const { store, clock, fire } = await openTicketWithTimers();
    clock.set('2026-11-30T16:00:00.250Z');
    await fire('breach');
    const policies = await source.current();
    const response = {
      type: 'RecordResponse',
      data: { ticketId: 't1', respondedAt: '2026-11-30T15:30:00.000Z' },
      metadata: {
        now: '2026-11-30T16:05:00.000Z',
        commandId: 'late-reply',
        correlationId: 'k',
        actor: { id: 'a', role: 'agent' },
      },
    } as const;
    await handleCommand(store, 'ticket-t1', ticketDecider(response, { policies }), response.metadata);
    const published: Alert[] = [];
    const reactor = new AlertReactor({ publish: async (alert) => void published.push(alert) }, clock, store);
    for await (const event of store.readAll({ filter: reactor.filter })) await reactor.handle(event);

    expect(published.map((alert) => [alert.kind, alert.occurredAt, alert.recipients])).toEqual([
      ['breach', '2026-11-30T16:00:00.000Z', ['ops', 'lead']],
      ['breach-retracted', '2026-11-30T16:00:00.000Z', ['ops', 'lead']],
    ]);
    await store.close();
  });
});

describe('AlertReactor, for a ticket opened from a helpdesk', () => {
  it('names the ticket in the helpdesk on each alert, and only on the alerts of that ticket', async () => {
    const { store, clock, fire } = await openTicketWithTimers();
    const policies = await source.current();
    const data = { customerId: 'c-1', channel: 'forum', subject: 'help', receivedAt: OPENED_AT };
    const externalRef = { source: 'zendesk', externalId: '35436' };
    await sendTicketCommand(store, policies, 'OpenTicket', { ...data, ticketId: 't2', externalRef }, OPENED_AT);
    const handler = new FiredTimerHandler(store, source, clock);
    const [breachOfT2] = (await readTimers(store, 't2')).filter((timer) => timer.payload.kind === 'breach');
    clock.set('2026-11-30T16:00:00.250Z');
    await fire('breach');
    await handler.handle(breachOfT2 as Timer);
    const published: Alert[] = [];
    const reactor = new AlertReactor({ publish: async (alert) => void published.push(alert) }, clock, store);
    for await (const event of store.readAll({ filter: reactor.filter })) await reactor.handle(event);

    expect(published.map((alert) => [alert.ticketId, alert.kind, alert.externalRef])).toEqual([
      ['t1', 'breach', undefined],
      ['t2', 'breach', externalRef],
    ]);
    expect(published[0]).not.toHaveProperty('externalRef');
    await store.close();
  });
});
