import { decideShadow, emptyShadow, evolveShadow, type ExternalSlaMetric, shadowStream, UPCASTERS } from '@app/domain';
import { type EventStore, handleCommand, openEventStore } from '@app/event-store';
import { Scenario } from '../test-support/scenario';
import { shadowReport } from './shadow-report';

const NOW = '2026-12-01T12:00:00.000Z';
const ticketIdOf = (ref: string): string => `zd-${ref}`;

describe('the shadow comparison of Zendesk, read from the log', () => {
  let store: EventStore;
  let scenario: Scenario;

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
    scenario = new Scenario(store);
    await scenario.customer(
      { type: 'RegisterCustomer', data: { customerId: 'acme', name: 'Acme', licences: 20, plan: 'premium' } },
      '2026-01-05T13:00:00.000Z',
    );
  });

  afterEach(() => store.close());

  const givenEngineTicket = async (ref: string, receivedAt: string, respondedAt?: string) => {
    const ticketId = ticketIdOf(ref);
    await scenario.ticket(
      {
        type: 'OpenTicket',
        data: {
          ticketId,
          customerId: 'acme',
          channel: 'email',
          subject: `Zendesk ticket ${ref}`,
          receivedAt,
          externalRef: { source: 'zendesk', externalId: ref },
        },
      },
      receivedAt,
    );
    if (respondedAt) {
      await scenario.ticket({ type: 'RecordResponse', data: { ticketId, respondedAt, by: 'alice' } }, respondedAt);
    }
  };

  /** Zendesk's first-reply SLA: 240 business minutes applied at receipt, its breach instant, its fulfilment. */
  const givenZendeskMetrics = async (ref: string, appliedAt: string, breachAt: string, fulfilledAt?: string) => {
    const metric = (id: string, kind: ExternalSlaMetric['kind'], occurredAt: string): ExternalSlaMetric => ({
      source: 'zendesk',
      sourceEventId: `${ref}-${id}`,
      ticketRef: ref,
      kind,
      occurredAt: new Date(occurredAt).toISOString(),
      ...(kind === 'apply_sla' ? { target: { targetMinutes: 240, isBusinessHours: true } } : {}),
    });
    const metrics = [
      metric('apply', 'apply_sla', appliedAt),
      metric('breach', 'breach', breachAt),
      ...(fulfilledAt ? [metric('fulfil', 'fulfill', fulfilledAt)] : []),
    ];
    const meta = { now: NOW, commandId: `import-${ref}`, correlationId: 'import', actor: { id: 'cli', role: 'ops' } };
    const command = {
      type: 'RecordExternalSlaMetrics',
      data: { source: 'zendesk', ticketRef: ref, metrics },
      metadata: meta,
    } as const;
    await handleCommand(
      store,
      shadowStream('zendesk', ref),
      { initialState: emptyShadow, evolve: evolveShadow, decide: (shadow) => decideShadow(command, shadow) },
      meta,
    );
  };

  const report = (differs?: boolean) => shadowReport(store, scenario.policies, 'zendesk', ticketIdOf, NOW, { differs });

  it('agrees on a premium ticket answered in time: the same deadline, both met, nothing to explain', async () => {
    // Monday 2026-11-30 10:00 in Toronto: due 14:00, answered 13:00.
    await givenEngineTicket('1', '2026-11-30T15:00:00.000Z', '2026-11-30T18:00:00.000Z');
    await givenZendeskMetrics('1', '2026-11-30T15:00:00Z', '2026-11-30T19:00:00Z', '2026-11-30T18:00:00Z');
    expect(await report()).toEqual({
      source: 'zendesk',
      summary: { compared: 1, agree: 1, differ: 0, onlyInZendesk: 0, onlyInEngine: 0 },
      items: [
        {
          ticketRef: '1',
          ticketId: 'zd-1',
          engine: { deadline: '2026-11-30T19:00:00.000Z', outcome: 'met', respondedAt: '2026-11-30T18:00:00.000Z' },
          zendesk: { deadline: '2026-11-30T19:00:00.000Z', outcome: 'met', fulfilledAt: '2026-11-30T18:00:00.000Z' },
          differs: false,
          difference: null,
          explanation: null,
        },
      ],
    });
  });

  it('differs on a ticket spanning Fête nationale that Zendesk counts as a working day, and says so', async () => {
    // Tuesday 2026-06-23 16:00 EDT: two support hours that day, Wednesday 24 June closed, due Thursday 09:30.
    await givenEngineTicket('2', '2026-06-23T20:00:00.000Z', '2026-06-25T13:00:00.000Z');
    await givenZendeskMetrics('2', '2026-06-23T20:00:00Z', '2026-06-24T13:30:00Z', '2026-06-25T13:00:00Z');
    const { summary, items } = await report();
    expect(summary).toEqual({ compared: 1, agree: 0, differ: 1, onlyInZendesk: 0, onlyInEngine: 0 });
    expect(items[0]).toMatchObject({
      engine: { deadline: '2026-06-25T13:30:00.000Z', outcome: 'met' },
      zendesk: { deadline: '2026-06-24T13:30:00.000Z', outcome: 'breached' },
      differs: true,
      difference: { deadlineMinutes: -1440, outcome: { engine: 'met', zendesk: 'breached' } },
      explanation: {
        policyVersion: '2017-11-23',
        calendarId: expect.any(String),
        timeZone: 'America/Toronto',
        allowance: { baseMinutes: 240, relaxation: null, extensionMinutes: 0, effectiveMinutes: 240 },
        holidays: ['2026-06-24'],
        pauses: [],
        zendeskTarget: { targetMinutes: 240, isBusinessHours: true },
      },
    });
    expect(items[0]?.explanation?.reasons).toEqual(
      expect.arrayContaining([
        "Zendesk's deadline is 1440 minutes earlier than the engine's",
        "the engine's calendar is closed on 2026-06-24",
      ]),
    );
  });

  it("explains a deadline Zendesk did not move for the engine's training pause", async () => {
    // Monday 2026-11-30 10:00 in Toronto, paused 11:00 to 13:00 for training: due 16:00, answered 15:00.
    await givenEngineTicket('5', '2026-11-30T15:00:00.000Z');
    await scenario.customer(
      { type: 'RequireTraining', data: { customerId: 'acme' } },
      '2026-11-30T16:00:00.000Z',
      'lead',
    );
    await scenario.ticket(
      { type: 'PauseSlaClockForTraining', data: { ticketId: 'zd-5' } },
      '2026-11-30T16:00:00.000Z',
      'system',
    );
    await scenario.customer(
      { type: 'RecordTrainingCompleted', data: { customerId: 'acme' } },
      '2026-11-30T18:00:00.000Z',
      'lead',
    );
    await scenario.ticket({ type: 'ResumeSlaClock', data: { ticketId: 'zd-5' } }, '2026-11-30T18:00:00.000Z', 'system');
    await scenario.ticket(
      { type: 'RecordResponse', data: { ticketId: 'zd-5', by: 'alice' } },
      '2026-11-30T20:00:00.000Z',
    );
    await givenZendeskMetrics('5', '2026-11-30T15:00:00Z', '2026-11-30T19:00:00Z', '2026-11-30T20:00:00Z');
    const [row] = (await report()).items;
    expect(row).toMatchObject({
      engine: { deadline: '2026-11-30T21:00:00.000Z', outcome: 'met', respondedAt: '2026-11-30T20:00:00.000Z' },
      zendesk: { deadline: '2026-11-30T19:00:00.000Z', outcome: 'breached' },
      difference: { deadlineMinutes: -120, outcome: { engine: 'met', zendesk: 'breached' } },
      explanation: {
        holidays: [],
        pauses: [{ pausedAt: '2026-11-30T16:00:00.000Z', resumedAt: '2026-11-30T18:00:00.000Z' }],
      },
    });
    expect(row?.explanation?.reasons).toContain("the engine's clock was paused 1 time(s) for training");
  });

  it('lists the tickets only one side knows, and filters on differs', async () => {
    await givenEngineTicket('1', '2026-11-30T15:00:00.000Z', '2026-11-30T18:00:00.000Z');
    await givenZendeskMetrics('1', '2026-11-30T15:00:00Z', '2026-11-30T19:00:00Z', '2026-11-30T18:00:00Z');
    await givenEngineTicket('3', '2026-11-30T16:00:00.000Z');
    await givenZendeskMetrics('4', '2026-11-30T16:00:00Z', '2026-11-30T20:00:00Z');
    const all = await report();
    expect(all.summary).toEqual({ compared: 1, agree: 1, differ: 0, onlyInZendesk: 1, onlyInEngine: 1 });
    const differing = await report(true);
    expect(
      differing.items.map((row) => [row.ticketRef, row.engine?.outcome ?? null, row.zendesk?.outcome ?? null]),
    ).toEqual([
      ['3', 'breached', null],
      ['4', null, 'breached'],
    ]);
    expect(differing.summary).toEqual(all.summary);
    expect((await report(false)).items.map((row) => row.ticketRef)).toEqual(['1']);
  });
});
