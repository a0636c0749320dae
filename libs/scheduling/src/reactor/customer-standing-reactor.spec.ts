import { FixedClock } from '@app/clock';
import { type CustomerEvent, type TicketEvent, UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore, type RecordedEvent } from '@app/event-store';
import { fixedPolicies } from '@app/projections/policy-book';
import {
  commandFor,
  CustomerStandingReactor,
  OpenTicketsByCustomer,
  type StandingFollowUp,
} from './customer-standing-reactor';
import { aRunningClock, aTicketOpened, bookOf, openTicket, roundTheClockPolicy, stored } from './reactor.fixtures';

const NOW = '2026-11-30T15:00:00.000Z';
const policies = bookOf(roundTheClockPolicy({ allowanceMinutes: 600 }));

const registered = (customerId: string): CustomerEvent => ({
  type: 'CustomerRegistered',
  data: {
    customerId,
    name: 'Acme',
    licences: 25,
    plan: 'standard',
    policyVersion: 'round-the-clock',
    registeredBy: 'admin-1',
    registeredAt: NOW,
  },
});
const flagged = (customerId: string): CustomerEvent => ({
  type: 'CustomerFlaggedForExcessiveRequests',
  data: { customerId, reason: 'twelve tickets this week', flaggedBy: 'agent-1', flaggedAt: NOW },
});
const flagCleared = (customerId: string): CustomerEvent => ({
  type: 'CustomerFlagCleared',
  data: { customerId, clearedBy: 'lead-1', clearedAt: NOW },
});
const trainingRequired = (customerId: string): CustomerEvent => ({
  type: 'CustomerTrainingRequired',
  data: { customerId, requiredBy: 'lead-1', requiredAt: NOW },
});
const trainingCompleted = (customerId: string): CustomerEvent => ({
  type: 'CustomerTrainingCompleted',
  data: { customerId, recordedBy: 'lead-1', completedAt: NOW },
});
const opened = (ticketId: string, customerId: string, isFlagged = false): TicketEvent => {
  const event = aTicketOpened(
    ticketId,
    aRunningClock({ asOf: NOW, deadline: '2026-12-01T01:00:00.000Z', allowanceMinutes: 600 }),
    NOW,
  );
  if (event.type !== 'TicketOpened') throw new Error('not an opening');
  return {
    ...event,
    data: { ...event.data, customerId, standing: { ...event.data.standing, isFlagged } },
  };
};
const resolved = (ticketId: string): TicketEvent => ({
  type: 'TicketResolved',
  data: {
    ticketId,
    resolvedBy: 'agent-1',
    resolvedAt: NOW,
    sla: aRunningClock({ asOf: NOW, deadline: '2026-12-01T01:00:00.000Z', allowanceMinutes: 600 }),
  },
});

const given = (...events: (CustomerEvent | TicketEvent)[]) => {
  const index = new OpenTicketsByCustomer();
  for (const event of events) index.apply(event);
  return { when: (event: CustomerEvent | TicketEvent): StandingFollowUp | null => index.apply(event) };
};

describe('POLICY §4: which open tickets a change of standing reaches', () => {
  it('given two open tickets of a customer and one of another, when the customer is flagged, then both of its own', () => {
    const followUp = given(
      registered('c-1'),
      registered('c-2'),
      opened('t-1', 'c-1'),
      opened('t-2', 'c-1'),
      opened('t-3', 'c-2'),
    ).when(flagged('c-1'));
    expect(followUp).toEqual({ customerId: 'c-1', ticketIds: ['t-1', 't-2'], aspects: ['flag'] });
  });

  it('given a resolved ticket, when training is required, then only the tickets still open', () => {
    const followUp = given(registered('c-1'), opened('t-1', 'c-1'), opened('t-2', 'c-1'), resolved('t-1')).when(
      trainingRequired('c-1'),
    );
    expect(followUp).toEqual({ customerId: 'c-1', ticketIds: ['t-2'], aspects: ['training'] });
  });

  it('given training completed and a flag cleared, then the same tickets, for the same aspects', () => {
    const history = given(registered('c-1'), opened('t-1', 'c-1'), trainingRequired('c-1'), flagged('c-1'));
    expect(history.when(trainingCompleted('c-1'))).toMatchObject({ ticketIds: ['t-1'], aspects: ['training'] });
    expect(history.when(flagCleared('c-1'))).toMatchObject({ ticketIds: ['t-1'], aspects: ['flag'] });
  });

  it('given a flagged customer, when a ticket opens as if it were not (it read the customer before the flag), then it', () => {
    expect(given(registered('c-1'), flagged('c-1')).when(opened('t-1', 'c-1', false))).toEqual({
      customerId: 'c-1',
      ticketIds: ['t-1'],
      aspects: ['flag'],
    });
  });

  it('given a flagged customer, when a ticket opens already relaxed, then nothing', () => {
    expect(given(registered('c-1'), flagged('c-1')).when(opened('t-1', 'c-1', true))).toBeNull();
  });

  it.each([
    ['flag', { isFlagged: true, isTrainingRequired: false }, 'RelaxSla'],
    ['flag', { isFlagged: false, isTrainingRequired: true }, 'EndSlaRelaxation'],
    ['training', { isFlagged: false, isTrainingRequired: true }, 'PauseSlaClockForTraining'],
    ['training', { isFlagged: true, isTrainingRequired: false }, 'ResumeSlaClock'],
  ] as const)('brings the %s of a ticket in line with a customer standing %j by %s', (aspect, standing, command) => {
    expect(commandFor(aspect, standing)).toBe(command);
  });
});

describe('the customer-standing reactor against a store', () => {
  let store: EventStore;
  let refusals: string[];
  let reactor: CustomerStandingReactor;

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
    refusals = [];
    reactor = new CustomerStandingReactor(store, fixedPolicies(policies), new FixedClock(NOW), (ticketId, refusal) =>
      refusals.push(`${ticketId}: ${refusal.code}`),
    );
  });

  const recordCustomer = async (event: CustomerEvent): Promise<void> => {
    await store.append(`customer-${event.data.customerId}`, [stored(event, NOW, { id: 'lead-1', role: 'lead' })], {
      expectedRevision: 'any',
    });
  };
  const eventsAfter = async (after: number | undefined): Promise<RecordedEvent[]> => {
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll({ after, filter: reactor.filter })) events.push(event);
    return events;
  };
  /** Runs the reactor as its runner would, from a checkpoint, over what the log holds now. */
  const follow = async (after?: number): Promise<void> => {
    await reactor.prepare(after);
    for (const event of await eventsAfter(after)) await reactor.handle(event);
  };
  const typesOf = async (ticketId: string): Promise<string[]> => {
    const types: string[] = [];
    for await (const event of store.readStream(`ticket-${ticketId}`)) types.push(event.type);
    return types;
  };
  const lastPosition = async (): Promise<number> => (await eventsAfter(undefined)).at(-1)?.position ?? 0;

  it('relaxes the open tickets of a flagged customer, naming the flag as the cause', async () => {
    await recordCustomer(registered('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await recordCustomer(flagged('c-1'));
    await follow();
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream('ticket-t-1')) events.push(event);
    const flag = (await eventsAfter(undefined)).find((event) => event.type === 'CustomerFlaggedForExcessiveRequests');
    expect(events.map((event) => event.type)).toEqual(['TicketOpened', 'SlaRelaxed']);
    expect(events[1]?.metadata).toMatchObject({ causationId: flag?.id, actor: { id: 'lead-1', role: 'lead' } });
    expect(refusals).toEqual([]);
  });

  it('replaying a flag that was cleared since changes no ticket', async () => {
    await recordCustomer(registered('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await recordCustomer(flagged('c-1'));
    await recordCustomer(flagCleared('c-1'));
    await follow();
    expect(await typesOf('t-1')).toEqual(['TicketOpened']);
  });

  it('handling the same events twice appends nothing the second time', async () => {
    await recordCustomer(registered('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await recordCustomer(trainingRequired('c-1'));
    await follow();
    await follow();
    expect(await typesOf('t-1')).toEqual(['TicketOpened', 'SlaClockPausedForTraining']);
  });

  it('after a restart, reaches the tickets opened before its checkpoint but not those resolved before it', async () => {
    await recordCustomer(registered('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await openTicket(store, policies, 't-2', NOW);
    await store.append('ticket-t-2', [stored(resolved('t-2'), NOW)], { expectedRevision: 'any' });
    await follow();
    const checkpoint = await lastPosition();
    reactor = new CustomerStandingReactor(store, fixedPolicies(policies), new FixedClock(NOW), () => undefined);
    await recordCustomer(trainingRequired('c-1'));
    await follow(checkpoint);
    expect(await typesOf('t-1')).toEqual(['TicketOpened', 'SlaClockPausedForTraining']);
    expect(await typesOf('t-2')).toEqual(['TicketOpened', 'TicketResolved']);
  });
});
