import { UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore, type RecordedEvent } from '@app/event-store';
import { Scenario } from '../test-support/scenario';
import { supportDay } from '../test-support/support-day';
import { historyEntry, replayTicket } from './ticket-audit';

describe('replayTicket', () => {
  let store: EventStore;
  let scenario: Scenario;

  const eventsOf = async (ticketId: string): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(`ticket-${ticketId}`)) events.push(event);
    return events;
  };

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
    scenario = new Scenario(store);
    await supportDay(scenario);
  });

  afterEach(() => store.close());

  it('folds every recorded event when no instant is given, as the live state', async () => {
    const events = await eventsOf('acme-late');
    const replay = replayTicket('acme-late', events, undefined, scenario.policies);
    expect(replay.state).toEqual(scenario.ticketState('acme-late'));
    expect(replay.eventsApplied).toBe(events.length);
    expect(replay.lastPosition).toBe(events.at(-1)?.position);
  });

  it('shows the ticket as it stood before its breach, with the deadline and the support time it consumes', async () => {
    const replay = replayTicket(
      'acme-late',
      await eventsOf('acme-late'),
      '2026-11-30T18:30:00.000Z',
      scenario.policies,
    );

    expect(replay.state).toMatchObject({
      status: 'Open',
      clock: { status: 'Running', atRiskAt: '2026-11-30T18:00:00.000Z', breach: null },
    });
    expect(replay.explanation).toMatchObject({
      policyVersion: '2017-11-23',
      calendar: { timeZone: 'America/Toronto' },
      status: 'Running',
      deadline: '2026-11-30T19:00:00.000Z',
      allowance: { baseMinutes: 240, relaxation: null, extensionMinutes: 0, effectiveMinutes: 240 },
      supportIntervals: [{ start: '2026-11-30T15:00:00.000Z', end: '2026-11-30T19:00:00.000Z', minutes: 240 }],
    });
    expect(replay.explanation?.steps.map((step) => step.type)).toEqual(['TicketOpened']);
  });

  it('links a pause for training to the event that caused it', async () => {
    const events = await eventsOf('bolt-slow');
    const replay = replayTicket('bolt-slow', events, undefined, scenario.policies);
    const pause = events.find((event) => event.type === 'SlaClockPausedForTraining');

    expect(replay.explanation?.steps.at(-1)).toMatchObject({
      eventId: pause?.id,
      position: pause?.position,
      status: 'Paused',
      deadline: null,
      elapsedMinutes: 130,
      cause: 'training required: clock paused with 1130 support minutes left',
      actor: { role: 'system' },
    });
    expect(replay.explanation?.supportIntervals).toEqual([]);
  });

  it('knows nothing of a ticket before it was received', async () => {
    const replay = replayTicket(
      'acme-late',
      await eventsOf('acme-late'),
      '2026-11-30T14:00:00.000Z',
      scenario.policies,
    );
    expect(replay).toMatchObject({ state: { status: 'NotOpened' }, eventsApplied: 0, explanation: null });
  });
});

describe('historyEntry', () => {
  it('names who, when, the policy version and the cause of an event', async () => {
    const store = await openEventStore('memory:', UPCASTERS);
    const scenario = new Scenario(store);
    await supportDay(scenario);
    const [opened] = await (async () => {
      const events: RecordedEvent[] = [];
      for await (const event of store.readStream('ticket-acme-late')) events.push(event);
      return events;
    })();
    expect(historyEntry(opened as RecordedEvent)).toMatchObject({
      type: 'TicketOpened',
      recordedAt: '2026-11-30T15:00:00.000Z',
      actor: { id: 'agent-1', role: 'agent' },
      policyVersion: '2017-11-23',
      causationId: expect.any(String),
      correlationId: expect.any(String),
    });
    await store.close();
  });
});
