import { eventually } from '@app/clock/test-support/eventually';
import { randomUUID } from 'node:crypto';
import {
  EsdbEventStore,
  type EsdbEventStoreOptions,
  type EsdbLogger,
  EventStoreUnavailable,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  StreamHistoryHidden,
  SubscriptionRefused,
  type Subscription,
} from '@app/event-store';
import { EsdbTestServer, type Fault } from './esdb-test-server';

const anEvent = (n = 1): NewEvent => ({
  id: randomUUID(),
  type: 'TestEventRecorded',
  data: { n },
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor: { id: 'esdb-faults', role: 'system' },
    recordedAt: '2026-11-30T19:00:00.000Z',
    schemaVersion: 1,
  },
});

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for await (const event of iterable) all.push(event);
  return all;
};

class RecordingLogger implements EsdbLogger {
  readonly lines: { level: 'log' | 'warn' | 'error'; message: string }[] = [];

  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }

  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }

  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }

  levels(): string[] {
    return this.lines.map((line) => line.level);
  }
}

const ids = (list: readonly { readonly id: string }[]): string[] => list.map((event) => event.id);

describe('EventStoreDB adapter under server faults', () => {
  let server: EsdbTestServer;
  let logger: RecordingLogger;
  let category: string;
  const stores: EsdbEventStore[] = [];
  const subscriptions: Subscription[] = [];

  const open = (options: EsdbEventStoreOptions = {}): EsdbEventStore => {
    const store = new EsdbEventStore(server.url, { deadlineMs: 1_000, logger, ...options });
    stores.push(store);
    return store;
  };

  /** A store to prepare the log with, outside the faults and the log lines under test. */
  const setUp = (): EsdbEventStore => open({ logger: new RecordingLogger() });

  const subscribe = (store: EsdbEventStore, received: RecordedEvent[]): Subscription => {
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`] } }, async (event) => {
      received.push(event);
    });
    subscriptions.push(subscription);
    return subscription;
  };

  const isSettled = (promise: Promise<unknown>): Promise<boolean> =>
    Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setImmediate(resolve, false)),
    ]);

  beforeAll(async () => {
    server = await EsdbTestServer.start();
  });

  beforeEach(() => {
    logger = new RecordingLogger();
    category = `fault${randomUUID().replace(/-/g, '')}`;
  });

  afterEach(async () => {
    server.clearFaults();
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  afterAll(async () => {
    await server.stop();
  });

  describe('a subscription', () => {
    it.each<[Fault, string]>([
      ['access-denied', 'access-denied'],
      ['unknown-position', 'unknown-position'],
      ['not-found', 'not-found'],
    ])('stops at once when the server refuses it with %s, logging one error', async (fault, reason) => {
      server.inject('subscribe', fault);
      const before = server.calls.subscribe;
      const received: RecordedEvent[] = [];
      const subscription = subscribe(open(), received);

      const refusal: unknown = await subscription.done.catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(SubscriptionRefused);
      expect(refusal).toMatchObject({ code: 'subscription-refused', reason });
      expect((refusal as SubscriptionRefused).cause).toBeInstanceOf(EventStoreUnavailable);
      expect(server.calls.subscribe - before).toBe(1);
      expect(logger.levels()).toEqual(['error']);
      expect(received).toEqual([]);
    });

    it('gives up once it has kept failing for its give-up time, logging the first failure and the give-up', async () => {
      server.inject('subscribe', 'server-busy');
      const before = server.calls.subscribe;
      const subscription = subscribe(open({ subscriptionGiveUpMs: 700 }), []);

      const refusal: unknown = await subscription.done.catch((error: unknown) => error);

      expect(refusal).toBeInstanceOf(SubscriptionRefused);
      expect(refusal).toMatchObject({ reason: 'kept-failing' });
      expect(server.calls.subscribe - before).toBeGreaterThan(1);
      expect(logger.levels()).toEqual(['warn', 'error']);
    });

    it.each<Fault>(['not-leader', 'server-busy', 'not-ready'])(
      'resubscribes after %s, logging the first failure and the recovery, and delivers every event once',
      async (fault) => {
        const appended = [anEvent(1), anEvent(2)];
        await setUp().append(`${category}-1`, appended, { expectedRevision: 'no-stream' });
        server.inject('subscribe', fault, 2);
        const before = server.calls.subscribe;
        const received: RecordedEvent[] = [];
        const subscription = subscribe(open(), received);
        await eventually(() => expect(received).toHaveLength(appended.length));

        expect(ids(received)).toEqual(ids(appended));
        expect(server.calls.subscribe - before).toBe(3);
        expect(logger.levels()).toEqual(['warn', 'log']);
        expect(await isSettled(subscription.done)).toBe(false);
      },
    );

    it('counts a subscription the server does not confirm within the deadline as failed, and subscribes again', async () => {
      const appended = [anEvent()];
      await setUp().append(`${category}-1`, appended, { expectedRevision: 'no-stream' });
      server.inject('subscribe', { delayMs: 1_000 }, 1);
      const before = server.calls.subscribe;
      const received: RecordedEvent[] = [];
      subscribe(open({ deadlineMs: 200 }), received);
      await eventually(() => expect(received).toHaveLength(1));

      expect(ids(received)).toEqual(ids(appended));
      expect(server.calls.subscribe - before).toBe(2);
      expect(logger.levels()).toEqual(['warn', 'log']);
    });
  });

  describe('an append', () => {
    it.each<Fault>(['not-leader', 'server-busy', 'not-ready'])(
      'is retried after %s and written once, the first failure and the recovery logged',
      async (fault) => {
        const stream = `${category}-1`;
        const batch = [anEvent(1), anEvent(2)];
        server.inject('append', fault, 2);
        const before = server.calls.append;

        const result = await open().append(stream, batch, { expectedRevision: 'no-stream' });

        expect(result.nextExpectedRevision).toBe(1);
        expect(server.calls.append - before).toBe(3);
        expect(ids(await collect(setUp().readStream(stream)))).toEqual(ids(batch));
        expect(logger.levels()).toEqual(['warn', 'log']);
      },
    );

    it('fails with EventStoreUnavailable after a bounded number of attempts while the node stays busy', async () => {
      const stream = `${category}-1`;
      server.inject('append', 'server-busy');
      const before = server.calls.append;

      const error: unknown = await open()
        .append(stream, [anEvent()], { expectedRevision: 'no-stream' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EventStoreUnavailable);
      expect(server.calls.append - before).toBe(4);
      expect(server.log.stream(stream)).toBeUndefined();
    });

    it('is retried when its answer comes after the deadline, and the late write adds nothing', async () => {
      const stream = `${category}-1`;
      const batch = [anEvent(1), anEvent(2)];
      server.inject('append', { delayMs: 800 }, 1);
      const before = server.calls.append;

      const result = await open({ deadlineMs: 200 }).append(stream, batch, { expectedRevision: 'no-stream' });
      await server.delayedCallsServed();

      expect(result.nextExpectedRevision).toBe(1);
      expect(server.calls.append - before).toBe(2);
      expect(server.log.stream(stream)?.map((event) => event.id)).toEqual(ids(batch));
    });

    it.each<ExpectedRevision>(['no-stream', 'any'])(
      'with %s, on a stream whose events the server hides, fails with StreamHistoryHidden after bounded attempts',
      async (expectedRevision) => {
        const stream = `${category}-1`;
        await setUp().append(stream, [anEvent(1), anEvent(2)], { expectedRevision: 'no-stream' });
        server.hideEventsBefore(stream, 2);
        const store = open();
        const before = server.calls.append;

        const error: unknown = await store.append(stream, [anEvent(3)], { expectedRevision }).catch((e: unknown) => e);

        expect(await collect(store.readStream(stream))).toEqual([]);
        expect(error).toBeInstanceOf(StreamHistoryHidden);
        expect(error).toMatchObject({ stream, readRevision: null, actualRevision: 1 });
        expect(server.calls.append - before).toBe(3);
        expect(server.log.stream(stream)).toHaveLength(2);
      },
    );

    it('goes on as usual on a stream whose earliest events are hidden but whose last one is read', async () => {
      const stream = `${category}-1`;
      await setUp().append(stream, [anEvent(1), anEvent(2)], { expectedRevision: 'no-stream' });
      server.hideEventsBefore(stream, 1);

      const result = await open().append(stream, [anEvent(3)], { expectedRevision: 1 });

      expect(result.nextExpectedRevision).toBe(2);
      expect(server.log.stream(stream)).toHaveLength(3);
    });
  });

  describe('reads', () => {
    it('fail with EventStoreUnavailable after bounded attempts when no answer comes within the deadline', async () => {
      const stream = `${category}-1`;
      await setUp().append(stream, [anEvent()], { expectedRevision: 'no-stream' });
      const store = open({ deadlineMs: 100 });
      server.inject('read', { delayMs: 5_000 });
      const before = server.calls.read;

      await expect(collect(store.readStream(stream))).rejects.toBeInstanceOf(EventStoreUnavailable);
      expect(server.calls.read - before).toBe(4);
      await expect(collect(store.readAll())).rejects.toBeInstanceOf(EventStoreUnavailable);
      await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailable);
      await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailable);
      expect(server.calls.read - before).toBe(4 + 4 + 4 + 1);
      expect(logger.levels()).toEqual(['warn']);
    });

    it.each<Fault>(['not-leader', 'server-busy', 'not-ready'])('are retried after %s', async (fault) => {
      const stream = `${category}-1`;
      const batch = [anEvent(1), anEvent(2)];
      await setUp().append(stream, batch, { expectedRevision: 'no-stream' });
      server.inject('read', fault, 2);

      expect(ids(await collect(open().readStream(stream)))).toEqual(ids(batch));
      expect(logger.levels()).toEqual(['warn', 'log']);
    });
  });

  it('reports the last system event as the head of a fresh node', async () => {
    const fresh = await EsdbTestServer.start();
    const store = new EsdbEventStore(fresh.url, { logger });
    try {
      const systemEvents = await collect(store.readAll());
      expect(systemEvents).toEqual([]);
      expect(await store.headPosition()).toBe(fresh.log.at(fresh.log.length - 1)?.position);
    } finally {
      await store.close();
      await fresh.stop();
    }
  });
});
