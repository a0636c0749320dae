import { EVENT_STORE, type EventStore } from '@app/event-store';
import { type Engine, startEngine } from './support/engine';

describe('a command that keeps losing the race for its ticket', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: '2026-11-30T15:00:00.000Z' });
  });

  afterEach(() => engine.close());

  it('answers 409 concurrency-conflict after its bounded retries, and every competing answer is kept', async () => {
    const { json: customer } = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 25, plan: 'premium' },
    });
    const { json: ticket } = await engine.call('POST', '/tickets', {
      as: 'agent',
      body: { customerId: customer.id, channel: 'email', subject: 'Import fails' },
    });
    const stream = `ticket-${String(ticket.id)}`;
    const store = engine.app.get<EventStore>(EVENT_STORE);
    const append = store.append.bind(store);
    let isCompeting = false;
    let competitors = 0;
    // Before each append of the losing request, a lead answers the same ticket through the API and gets there first.
    store.append = async (name, events, options) => {
      if (name === stream && !isCompeting && events.some((event) => event.type === 'TicketCustomerFlaggedExcessive')) {
        isCompeting = true;
        const competing = await engine.call('POST', `/tickets/${String(ticket.id)}/responses`, {
          as: 'lead',
          body: { by: `lead-${++competitors}` },
        });
        isCompeting = false;
        expect(competing.status).toBe(201);
      }
      return append(name, events, options);
    };

    const losing = await engine.call('POST', `/tickets/${String(ticket.id)}/flag-customer`, {
      as: 'agent',
      body: { reason: 'Fifth question on the same documented topic' },
    });

    expect(losing.status).toBe(409);
    expect(losing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(losing.json).toMatchObject({ status: 409, code: 'concurrency-conflict', detail: expect.any(String) });
    const types: string[] = [];
    for await (const event of store.readStream(stream)) types.push(event.type);
    expect(types).toEqual(['TicketOpened', ...Array.from({ length: competitors }, () => 'TicketResponded')]);
    // The first try and three retries, each beaten by one competing answer.
    expect(competitors).toBe(4);
    const flagged = await engine.call('GET', `/customers/${String(customer.id)}`, { as: 'agent' });
    expect(flagged.json.flag).toBeNull();
  });
});
