import { eventually } from '@app/clock/test-support/eventually';
import { randomUUID } from 'node:crypto';
import {
  EsdbEventStore,
  EventStoreUnavailable,
  EventTooLarge,
  type NewEvent,
  type RecordedEvent,
} from '@app/event-store';
import { describeEventStoreConformance } from '@app/event-store/conformance/event-store.conformance';
import { EsdbTestServer } from './esdb-test-server';

const anEvent = (data: unknown = { n: 1 }): NewEvent => ({
  id: randomUUID(),
  type: 'TestEventRecorded',
  data,
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor: { id: 'esdb-spec', role: 'system' },
    recordedAt: '2026-11-30T19:00:00.000Z',
    schemaVersion: 1,
  },
});

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for await (const event of iterable) all.push(event);
  return all;
};

describe('EventStoreDB adapter against the gRPC test server', () => {
  let server: EsdbTestServer;

  beforeAll(async () => {
    server = await EsdbTestServer.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  describeEventStoreConformance(
    'EventStoreDB (test server)',
    async () => {
      const store = new EsdbEventStore(server.url, { checkpointProbeMs: 100 });
      return { store, cutConnections: () => server.cutConnections(), dispose: () => store.close() };
    },
    { opensEmpty: false },
  );

  describe('beyond the conformance suite', () => {
    let store: EsdbEventStore;
    let category: string;

    beforeEach(() => {
      store = new EsdbEventStore(server.url);
      category = `esdb${randomUUID().replace(/-/g, '')}`;
    });

    afterEach(async () => {
      await store.close();
    });

    it('resubscribes after its checkpoint when the server ends the subscription without an error', async () => {
      const stream = `${category}-1`;
      const before = [anEvent(), anEvent()];
      await store.append(stream, before, { expectedRevision: 'no-stream' });
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`] } }, async (event) => {
        received.push(event);
      });
      await eventually(() => expect(received).toHaveLength(2));
      server.endSubscriptions();
      const after = [anEvent(), anEvent()];
      await store.append(stream, after, { expectedRevision: 1 });
      await eventually(() => expect(received.length).toBeGreaterThanOrEqual(4));
      await subscription.stop();

      expect(received.map((event) => event.id)).toEqual([...before, ...after].map((event) => event.id));
    });

    it('closes promptly after a subscription and a read stopped with events still to come', async () => {
      for (let i = 0; i < 4; i++) {
        await store.append(
          `${category}-other`,
          Array.from({ length: 50 }, () => anEvent()),
          { expectedRevision: 'any' },
        );
      }
      const { position } = await store.append(
        `${category}-1`,
        Array.from({ length: 12 }, () => anEvent()),
        {
          expectedRevision: 'no-stream',
        },
      );
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({}, async (event) => {
        received.push(event);
      });
      await eventually(() => expect(received).not.toHaveLength(0));
      await subscription.stop();
      const ours = { streamPrefixes: [`${category}-1`] };
      const [first] = await collect(store.readAll({ filter: ours }));
      const page = await collect(store.readAll({ after: first?.position ?? position, filter: ours, maxCount: 3 }));
      const closed = store.close().then(() => 'closed');
      const timeout = new Promise((resolve) => setTimeout(resolve, 5_000, 'timed out'));

      expect(page).toHaveLength(3);
      expect(await Promise.race([closed, timeout])).toBe('closed');
    });

    it('hides the server system events from reads of the log', async () => {
      await store.append(`${category}-1`, [anEvent()], { expectedRevision: 'no-stream' });
      const all = await collect(store.readAll());

      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((event) => event.stream.startsWith('$'))).toEqual([]);
    });

    it('refuses a batch over the server maximum append size as too large, writing nothing', async () => {
      const stream = `${category}-1`;
      const batch = [0, 1, 2].map((n) => anEvent({ n, blob: 'x'.repeat(400 * 1024) }));
      const error: unknown = await store.append(stream, batch, { expectedRevision: 'no-stream' }).catch((e) => e);

      expect(error).toBeInstanceOf(EventTooLarge);
      expect(error).toMatchObject({ limitBytes: 1024 * 1024 });
      expect(batch.map((event) => event.id)).toContain((error as EventTooLarge).eventId);
      expect(await collect(store.readStream(stream))).toEqual([]);
    });
  });

  describe('when the server is gone', () => {
    it('raises EventStoreUnavailable from ping, append and reads', async () => {
      const gone = await EsdbTestServer.start();
      const store = new EsdbEventStore(gone.url);
      await store.ping();
      await gone.stop();

      await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailable);
      await expect(
        store.append(`gone${randomUUID().replace(/-/g, '')}-1`, [anEvent()], { expectedRevision: 'any' }),
      ).rejects.toBeInstanceOf(EventStoreUnavailable);
      await expect(collect(store.readAll())).rejects.toBeInstanceOf(EventStoreUnavailable);
      await store.close();
    });
  });
});

const realServerUrl = process.env.EVENTSTORE_URL;
if (realServerUrl) {
  describeEventStoreConformance(
    'EventStoreDB (real server at EVENTSTORE_URL)',
    async () => {
      const store = new EsdbEventStore(realServerUrl, { checkpointProbeMs: 100 });
      return { store, dispose: () => store.close() };
    },
    { opensEmpty: false },
  );
}
