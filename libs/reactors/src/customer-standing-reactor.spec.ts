import { type CustomerEvent, type TicketEvent, UPCASTERS } from '@app/domain';
import { FixedClock } from '@app/clock';
import { type EventStore, openEventStore, type RecordedEvent } from '@app/event-store';
import { fixedPolicies } from '@app/policy';
import { openReadModelDb, OpenClocks, ProjectionRunner, WORKER_READ_MODELS } from '@app/projections';
import { CustomerStandingReactor } from './customer-standing-reactor';
import { openClocksOfCustomer } from './open-clocks-of-customer';
import { bookOf } from '@app/domain/test-support/policies';
import { stored } from '@app/event-store/test-support/events';
import { aRoundTheClockSla, openTicket, roundTheClockPolicy } from './test-support/reactor.fixtures';

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
const resolved = (ticketId: string): TicketEvent => ({
  type: 'TicketResolved',
  data: {
    ticketId,
    resolvedBy: 'agent-1',
    resolvedAt: NOW,
    sla: aRoundTheClockSla({ asOf: NOW, deadline: '2026-12-01T01:00:00.000Z', allowanceMinutes: 600 }),
  },
});

describe('the customer-standing reactor against a store', () => {
  let store: EventStore;
  let refusals: string[];
  let reactor: CustomerStandingReactor;
  let openClocks: ProjectionRunner;
  const aReactor = (onRefused: ConstructorParameters<typeof CustomerStandingReactor>[4]) => {
    const db = openReadModelDb(':memory:');
    openClocks = new ProjectionRunner(store, db, WORKER_READ_MODELS, new FixedClock(NOW));
    const clocks = openClocksOfCustomer(openClocks, new OpenClocks(db), 1_000);
    return new CustomerStandingReactor(store, fixedPolicies(policies), new FixedClock(NOW), clocks, onRefused);
  };

  beforeEach(async () => {
    store = await openEventStore('memory:', UPCASTERS);
    refusals = [];
    reactor = aReactor((ticketId, refusal) => refusals.push(`${ticketId}: ${refusal.code}`));
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
  /** Runs the reactor as its processor would, from a checkpoint, over what the log holds now. */
  const follow = async (after?: number): Promise<void> => {
    await openClocks.catchUp();
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

  it('given a ticket opened while the customer was being flagged, relaxes it from its own opening', async () => {
    await recordCustomer(registered('c-1'));
    await recordCustomer(flagged('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await follow();
    expect(await typesOf('t-1')).toEqual(['TicketOpened', 'SlaRelaxed']);
  });

  it('waits for the open clocks to reach the event, so a ticket opened just before a flag is relaxed', async () => {
    await recordCustomer(registered('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await recordCustomer(flagged('c-1'));
    openClocks.start();
    for (const event of await eventsAfter(undefined)) await reactor.handle(event);
    await openClocks.stop();
    expect(await typesOf('t-1')).toEqual(['TicketOpened', 'SlaRelaxed']);
  });

  it('after a restart, reaches the tickets opened before its checkpoint but not those resolved before it', async () => {
    await recordCustomer(registered('c-1'));
    await openTicket(store, policies, 't-1', NOW);
    await openTicket(store, policies, 't-2', NOW);
    await store.append('ticket-t-2', [stored(resolved('t-2'), NOW)], { expectedRevision: 'any' });
    await follow();
    const checkpoint = await lastPosition();
    reactor = aReactor(() => undefined);
    await recordCustomer(trainingRequired('c-1'));
    await follow(checkpoint);
    expect(await typesOf('t-1')).toEqual(['TicketOpened', 'SlaClockPausedForTraining']);
    expect(await typesOf('t-2')).toEqual(['TicketOpened', 'TicketResolved']);
  });
});
