import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
} from '@eventstore/db-client';
import { EsdbTestServer } from './esdb-test-server';

const WAIT_TIMEOUT_MS = 10_000;

const anEvent = (type = 'TestEventRecorded', data: Record<string, unknown> = { n: 1 }) =>
  jsonEvent({ id: randomUUID(), type, data, metadata: { source: 'spec' } });

const collect = async (read: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> => {
  const all: ResolvedEvent[] = [];
  for await (const resolved of read) all.push(resolved);
  return all;
};

const failure = (attempt: Promise<unknown>): Promise<unknown> =>
  attempt.then(
    () => Promise.reject(new Error('expected a failure')),
    (error: unknown) => error,
  );

/** Settles with what a subscription delivered once `count` events arrived, or with how it ended. */
const deliveries = (subscription: StreamSubscription, count: number) =>
  new Promise<{ events: ResolvedEvent[]; ended?: 'error' | 'end'; error?: unknown }>((resolve, reject) => {
    const events: ResolvedEvent[] = [];
    const timer = setTimeout(() => reject(new Error(`${events.length} of ${count} events`)), WAIT_TIMEOUT_MS);
    const settle = (extra: { ended?: 'error' | 'end'; error?: unknown } = {}): void => {
      clearTimeout(timer);
      resolve({ events, ...extra });
    };
    subscription.on('data', (resolved: ResolvedEvent) => {
      events.push(resolved);
      if (events.length === count) settle();
    });
    subscription.on('error', (error: unknown) => settle({ ended: 'error', error }));
    subscription.on('end', () => settle({ ended: 'end' }));
  });

describe('EventStoreDB gRPC test server, through the real client', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  let stream: string;

  beforeAll(async () => {
    server = await EsdbTestServer.start();
  });

  beforeEach(() => {
    client = EventStoreDBClient.connectionString(server.url);
    stream = `srv${randomUUID().replace(/-/g, '')}-1`;
  });

  afterEach(async () => {
    await client.dispose();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('numbers revisions from 0, gives increasing commit positions, and reads forwards and backwards', async () => {
    const first = await client.appendToStream(stream, [anEvent(), anEvent()], { expectedRevision: 'no_stream' });
    const second = await client.appendToStream(stream, anEvent(), { expectedRevision: 1n });
    const forwards = await collect(client.readStream(stream));
    const backwards = await collect(
      client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 2 }),
    );

    expect(first.nextExpectedRevision).toBe(1n);
    expect(second.nextExpectedRevision).toBe(2n);
    expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
    expect(forwards.map((resolved) => resolved.event?.revision)).toEqual([0n, 1n, 2n]);
    expect(forwards[1]?.event?.position).toEqual(first.position);
    expect(backwards.map((resolved) => resolved.event?.revision)).toEqual([2n, 1n]);
    expect(forwards[0]?.event).toMatchObject({ streamId: stream, isJson: true, metadata: { source: 'spec' } });
    expect(Math.abs(forwards[0]!.event!.created.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it.each<[string, AppendExpectedRevision, bigint | 'no_stream']>([
    ['no stream, on an existing stream', 'no_stream', 0n],
    ['a stale revision', 5n, 0n],
  ])('refuses %s with the current revision', async (_, expectedRevision, current) => {
    await client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' });
    const error = await failure(client.appendToStream(stream, anEvent(), { expectedRevision }));

    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamName: stream, expectedVersion: expectedRevision, actualVersion: current });
  });

  it('refuses stream exists on a stream that does not, and accepts any', async () => {
    const error = await failure(client.appendToStream(stream, anEvent(), { expectedRevision: 'stream_exists' }));
    const written = await client.appendToStream(stream, anEvent(), { expectedRevision: 'any' });

    expect(error).toMatchObject({ actualVersion: 'no_stream', expectedVersion: 'stream_exists' });
    expect(written.nextExpectedRevision).toBe(0n);
  });

  it('treats a repeat at the same exact revision as done, but writes a repeat with any again (no id cache)', async () => {
    const events = [anEvent(), anEvent()];
    await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    const repeat = await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    await client.appendToStream(stream, events, { expectedRevision: 'any' });

    expect(repeat).toEqual({ success: true, nextExpectedRevision: 1n, position: undefined });
    expect(await collect(client.readStream(stream))).toHaveLength(4);
  });

  it('reports a stream that does not exist', async () => {
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('refuses an append over the maximum append size, writing nothing', async () => {
    const events = [0, 1, 2].map((n) => anEvent('TestEventRecorded', { n, blob: 'x'.repeat(400 * 1024) }));
    const error = await failure(client.appendToStream(stream, events, { expectedRevision: 'any' }));

    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(error).toMatchObject({ maxAppendSize: 1024 * 1024 });
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('reads $all from a position inclusively, system events included', async () => {
    const { position } = await client.appendToStream(stream, [anEvent(), anEvent()], { expectedRevision: 'any' });
    const tail = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 2 }));
    const fromFirst = await collect(client.readAll({ fromPosition: tail[1]!.event!.position!, maxCount: 2 }));
    const all = await collect(client.readAll({ fromPosition: START }));

    expect(tail[0]?.event?.position).toEqual(position);
    expect(fromFirst.map((resolved) => resolved.event?.id)).toEqual([tail[1]?.event?.id, tail[0]?.event?.id]);
    expect(all.some((resolved) => resolved.event?.streamId.startsWith('$'))).toBe(true);
  });

  it('subscribes to $all after a position, filtered by stream prefix, catching up then live', async () => {
    const category = stream.split('-')[0]!;
    const { position } = await client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' });
    await client.appendToStream(`${category}-2`, anEvent(), { expectedRevision: 'no_stream' });
    await client.appendToStream(`other${category}-1`, anEvent(), { expectedRevision: 'no_stream' });
    const subscription = client.subscribeToAll({
      fromPosition: position!,
      filter: streamNameFilter({ prefixes: [`${category}-`] }),
    });
    const delivered = deliveries(subscription, 2);
    await client.appendToStream(stream, anEvent(), { expectedRevision: 0n });
    const { events } = await delivered;
    await subscription.unsubscribe();

    expect(events.map((resolved) => [resolved.event?.streamId, resolved.event?.revision])).toEqual([
      [`${category}-2`, 0n],
      [stream, 1n],
    ]);
  });

  it('filters a subscription by event type and reports checkpoints at the interval', async () => {
    const type = `Marked${randomUUID().replace(/-/g, '')}`;
    const { position } = await client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' });
    await client.appendToStream(
      stream,
      Array.from({ length: 9 }, (_, n) => anEvent(n === 8 ? type : 'TestEventRecorded')),
      { expectedRevision: 0n },
    );
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: position!,
      filter: eventTypeFilter({
        regex: `^${type}$`,
        maxSearchWindow: 2,
        checkpointInterval: 2,
        checkpointReached: async (_, reached) => {
          checkpoints.push(reached);
        },
      }),
    });
    const { events } = await deliveries(subscription, 1);
    await subscription.unsubscribe();

    expect(events.map((resolved) => resolved.event?.type)).toEqual([type]);
    expect(checkpoints).toHaveLength(2);
    expect(checkpoints[0]!.commit).toBeGreaterThan(position!.commit);
  });

  it('fails a live subscription with unavailable when the connections are cut', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END });
    const ended = deliveries(subscription, Infinity);
    await client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' });
    await server.cutConnections();

    expect(await ended).toMatchObject({ ended: 'error', error: expect.any(UnavailableError) });
  });

  it('ends a subscription without an error when the server ends its call', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END });
    const ended = deliveries(subscription, 1);
    await client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' });
    const { events } = await ended;
    const afterEnd = deliveries(subscription, 2);
    server.endSubscriptions();

    expect(events).toHaveLength(1);
    expect(await afterEnd).toMatchObject({ ended: 'end' });
  });
});
