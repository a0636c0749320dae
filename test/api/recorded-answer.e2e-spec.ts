import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { UPCASTERS } from '@app/domain';
import {
  EVENT_STORE,
  type EventStore,
  EventStoreUnavailable,
  openEventStore,
  type RecordedEvent,
} from '@app/event-store';
import { createFixture } from './support/endpoints';
import { type Engine, startEngine } from './support/engine';

const NOW = '2026-11-30T15:00:00.000Z';

const eventsOfType = async (engine: Engine, type: string): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of engine.app.get<EventStore>(EVENT_STORE).readAll({ filter: { eventTypes: [type] } })) {
    events.push(event);
  }
  return events;
};

/** The engine's own store, which stops answering reads of a stream just after an append to it, until `recover()`. */
class StoreThatFailsAfterAppend {
  private failingPrefix: string | undefined;
  private readonly unreadable = new Set<string>();

  failAfterAppendTo(streamPrefix: string): void {
    this.failingPrefix = streamPrefix;
  }

  recover(): void {
    this.failingPrefix = undefined;
    this.unreadable.clear();
  }

  wrap(store: EventStore): EventStore {
    const unavailable = new EventStoreUnavailable('connection lost');
    return {
      ...store,
      append: async (stream, events, options) => {
        const result = await store.append(stream, events, options);
        if (this.failingPrefix !== undefined && stream.startsWith(this.failingPrefix)) this.unreadable.add(stream);
        return result;
      },
      readStream: (stream, options) =>
        this.unreadable.has(stream)
          ? { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(unavailable) }) }
          : store.readStream(stream, options),
    };
  }
}

describe('A command recorded in the log is answered as recorded', () => {
  let engine: Engine;
  let warned: jest.SpiedFunction<Logger['warn']>;
  let logged: jest.SpiedFunction<Logger['error']>;

  beforeEach(() => {
    warned = jest.spyOn(Logger.prototype, 'warn');
    logged = jest.spyOn(Logger.prototype, 'error');
  });

  afterEach(async () => {
    warned.mockRestore();
    logged.mockRestore();
    await engine.close();
  });

  describe('when its idempotent answer cannot be kept', () => {
    beforeEach(async () => {
      engine = await startEngine({ now: NOW });
    });

    /** Every insert into the answers table fails in SQLite itself, as on a full disk; reads still work. */
    const refuseToKeepAnswers = (): void => {
      const db = new Database(join(engine.dataDir, 'idempotency.db'));
      try {
        db.exec(`CREATE TRIGGER refuse_answers BEFORE INSERT ON idempotent_answers
          BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
      } finally {
        db.close();
      }
    };

    it('answers 201 with the recorded response, warns, and a repeat with the key records no second response', async () => {
      const { ticketId } = await createFixture(engine);
      refuseToKeepAnswers();
      const respond = () =>
        engine.call('POST', `/tickets/${ticketId}/responses`, {
          as: 'agent',
          body: { by: 'alice' },
          headers: { 'idempotency-key': 'answer-not-kept' },
        });

      const first = await respond();

      expect(first.status).toBe(201);
      const responded = await eventsOfType(engine, 'TicketResponded');
      expect(responded).toHaveLength(1);
      const recorded = responded[0]?.data as { responseId: string; respondedAt: string };
      expect(first.json).toMatchObject({
        ticketId,
        responseId: recorded.responseId,
        respondedBy: 'alice',
        respondedAt: recorded.respondedAt,
        isFirstResponse: true,
        ticket: { id: ticketId, firstResponseAt: recorded.respondedAt },
      });
      expect(warned).toHaveBeenCalledWith(expect.stringContaining(`responseId ${recorded.responseId}`));
      expect(logged).not.toHaveBeenCalled();

      const again = await respond();

      expect(again.status).toBe(201);
      expect(again.json).toEqual(first.json);
      expect(await eventsOfType(engine, 'TicketResponded')).toHaveLength(1);
    });
  });

  describe('when its answer cannot be built', () => {
    const store = new StoreThatFailsAfterAppend();

    beforeEach(async () => {
      store.recover();
      engine = await startEngine({
        now: NOW,
        configure: (builder) =>
          builder.overrideProvider(EVENT_STORE).useFactory({
            inject: [APP_CONFIG],
            factory: async (config: AppConfig) => store.wrap(await openEventStore(config.EVENT_STORE_URL, UPCASTERS)),
          }),
      });
    });

    it('answers 503 recorded-answer-unavailable with the ticket id and Retry-After; a repeat with the key gets the recorded response', async () => {
      const { ticketId } = await createFixture(engine);
      store.failAfterAppendTo(`ticket-${ticketId}`);
      const respond = () =>
        engine.call('POST', `/tickets/${ticketId}/responses`, {
          as: 'agent',
          body: { by: 'alice' },
          headers: { 'idempotency-key': 'answer-unavailable' },
        });

      const unavailable = await respond();

      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(unavailable.headers.get('retry-after')).toBe('5');
      expect(unavailable.json).toMatchObject({ status: 503, code: 'recorded-answer-unavailable', ticketId });
      expect(warned).toHaveBeenCalledWith(
        expect.stringMatching(new RegExp(`^ticket ${ticketId}: recorded TicketResponded`)),
      );
      expect(logged).not.toHaveBeenCalled();
      store.recover();
      const responded = await eventsOfType(engine, 'TicketResponded');
      expect(responded).toHaveLength(1);

      const again = await respond();

      expect(again.status).toBe(201);
      expect(again.json).toMatchObject({
        ticketId,
        responseId: (responded[0]?.data as { responseId: string }).responseId,
        ticket: { id: ticketId },
      });
      expect(await eventsOfType(engine, 'TicketResponded')).toHaveLength(1);
    });

    it('answers 503 with the customer id when a registered customer cannot be read back', async () => {
      store.failAfterAppendTo('customer-');

      const unavailable = await engine.call('POST', '/customers', {
        as: 'admin',
        body: { name: 'Acme Corp', licences: 25, plan: 'premium' },
        headers: { 'idempotency-key': 'register-acme' },
      });

      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('5');
      store.recover();
      const registered = await eventsOfType(engine, 'CustomerRegistered');
      expect(registered).toHaveLength(1);
      const customerId = (registered[0]?.data as { customerId: string }).customerId;
      expect(unavailable.json).toMatchObject({ code: 'recorded-answer-unavailable', customerId });
      expect((await engine.call('GET', `/customers/${customerId}`, { as: 'admin' })).json).toMatchObject({
        id: customerId,
        name: 'Acme Corp',
      });
    });
  });
});
