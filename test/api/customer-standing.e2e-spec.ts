import { eventually } from '@app/clock/test-support/eventually';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@app/event-store';
import { type Answer, type Engine, startEngine } from './support/engine';

const MONDAY_10H_TORONTO = '2026-11-30T15:00:00.000Z';
const HOUR = 3_600_000;

/** The first tickets of a premium customer, opened Monday 10:00 Toronto: 240 support minutes, due 14:00. */
describe('a customer’s standing reaches its open tickets (POLICY §4)', () => {
  let engine: Engine;
  let customerId: string;
  let tickets: string[];

  beforeEach(async () => {
    engine = await startEngine({ now: MONDAY_10H_TORONTO });
    const { json } = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 25, plan: 'premium' },
    });
    customerId = String(json.id);
    tickets = [];
    for (const subject of ['Import fails', 'Export is slow', 'Report is blank']) {
      const opened = await engine.call('POST', '/tickets', {
        as: 'agent',
        body: { customerId, channel: 'email', subject },
      });
      expect(opened.json.firstResponseDueAt).toBe('2026-11-30T19:00:00.000Z');
      tickets.push(String(opened.json.id));
    }
  });

  afterEach(() => engine.close());

  const advanceHours = (hours: number): void => void engine.clock?.advance(hours * HOUR);
  const change = async (path: string, body: unknown = {}): Promise<void> => {
    const answer = await engine.call('POST', `/customers/${customerId}/${path}`, { as: 'lead', body });
    expect(answer.status).toBe(200);
  };
  const ticket = (id: string): Promise<Answer> => engine.call('GET', `/tickets/${id}`, { as: 'auditor' });
  const reaches = (id: string, expected: Record<string, unknown>): Promise<void> =>
    eventually(async () => expect((await ticket(id)).json).toMatchObject(expected), 10_000, 50);

  it('given open tickets, when the customer is flagged, trains, then has the flag cleared, each open clock follows', async () => {
    const [first = '', second = '', resolved = ''] = tickets;
    await engine.call('POST', `/tickets/${resolved}/resolve`, { as: 'agent', body: {} });

    advanceHours(1);
    await change('flag', { reason: 'Twelve tickets this week on documented topics' });
    // ×2: 480 support minutes from Monday 10:00 ends at Monday 18:00.
    for (const id of [first, second]) {
      await reaches(id, {
        allowanceMinutes: 480,
        firstResponseDueAt: '2026-11-30T23:00:00.000Z',
        sla: { status: 'Running', relaxation: { mode: 'extend', factor: 2 } },
      });
    }

    advanceHours(1);
    await change('training/required');
    for (const id of [first, second]) {
      await reaches(id, { firstResponseDueAt: null, sla: { status: 'Paused', isPausedForTraining: true } });
    }

    advanceHours(2);
    await change('training/completed');
    // 120 of 480 minutes used before the pause: 360 left from Monday 14:00 are 240 on Monday and 120 on Tuesday.
    for (const id of [first, second]) {
      await reaches(id, {
        firstResponseDueAt: '2026-12-01T14:30:00.000Z',
        sla: { status: 'Running', isPausedForTraining: false, elapsedMinutes: 120 },
      });
    }

    advanceHours(1);
    await change('flag/clear', { reason: 'Training completed' });
    // Back to 240: 120 used before the pause and 60 since leave 60 from Monday 15:00.
    for (const id of [first, second]) {
      await reaches(id, {
        allowanceMinutes: 240,
        firstResponseDueAt: '2026-11-30T21:00:00.000Z',
        sla: { status: 'Running', elapsedMinutes: 180, relaxation: null },
      });
    }

    const history = await engine.call('GET', `/tickets/${resolved}/history`, { as: 'auditor' });
    expect((history.json.events as { type: string }[]).map((event) => event.type)).toEqual([
      'TicketOpened',
      'TicketResolved',
    ]);
  });

  it('shows the open tickets of a flagged customer as relaxed in the queue, then as paused for training', async () => {
    const isQueuedAs = (status: string): Promise<void> =>
      eventually(
        async () => {
          const { json } = await engine.call('GET', `/queue?customerId=${customerId}&status=${status}`, {
            as: 'agent',
          });
          expect((json.items as { ticketId: string }[]).map((item) => item.ticketId).sort()).toEqual(
            [...tickets].sort(),
          );
        },
        10_000,
        50,
      );
    await change('flag', { reason: 'Twelve tickets this week on documented topics' });
    await isQueuedAs('relaxed');
    await change('training/required');
    await isQueuedAs('paused-for-training');
  });

  it('names the customer event as the cause of each ticket change, and its actor', async () => {
    const [first = ''] = tickets;
    await change('training/required');
    await reaches(first, { sla: { status: 'Paused' } });
    const customerHistory = await customerEvents();
    const required = customerHistory.find((event) => event.type === 'CustomerTrainingRequired');
    const history = await engine.call('GET', `/tickets/${first}/history`, { as: 'auditor' });
    const paused = (history.json.events as Record<string, unknown>[]).find(
      (event) => event.type === 'SlaClockPausedForTraining',
    );
    expect(paused).toMatchObject({
      causationId: required?.id,
      correlationId: required?.metadata.correlationId,
      actor: { id: 'lead1', role: 'lead' },
    });
  });

  const customerEvents = async (): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of engine.app.get<EventStore>(EVENT_STORE).readStream(`customer-${customerId}`))
      events.push(event);
    return events;
  };
});
