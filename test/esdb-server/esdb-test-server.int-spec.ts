import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NotFoundError,
  NotLeaderError,
  START,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
} from '@eventstore/db-client';
import { EsdbTestServer, type Fault } from './esdb-test-server';

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
    server.clearFaults();
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

  it.each<[Fault, new (...args: never[]) => Error, RegExp]>([
    ['access-denied', AccessDeniedError, /Access Denied/],
    ['unknown-position', UnknownError, /INVALID_ARGUMENT: Trying to read from an invalid position/],
    ['not-found', NotFoundError, /NOT_FOUND/],
    ['not-leader', NotLeaderError, /Leader info available/],
    ['server-busy', UnavailableError, /Server Is Too Busy/],
    ['not-ready', UnavailableError, /Server Is Not Ready/],
  ])(
    'refuses a subscription with %s as the server does, which the client raises as %p',
    async (fault, type, message) => {
      server.inject('subscribe', fault, 1);
      const subscription = client.subscribeToAll({ fromPosition: START });

      const { ended, error } = await deliveries(subscription, Infinity);

      expect(ended).toBe('error');
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
    },
  );

  it('names itself as the leader when it answers not leader, so the client reconnects to it', async () => {
    server.inject('read', 'not-leader', 1);
    const error = await failure(collect(client.readAll({ maxCount: 1 })));

    expect(error).toMatchObject({
      leader: { address: '127.0.0.1', port: Number(new URL(server.url.replace('esdb', 'http')).port) },
    });
    expect(await collect(client.readAll({ maxCount: 1 }))).toHaveLength(1);
  });

  it.each<[Fault, new (...args: never[]) => Error, unknown]>([
    ['not-leader', NotLeaderError, expect.stringMatching(/Leader info available/)],
    ['server-busy', UnknownError, expect.stringMatching(/Server Is Busy/)],
    ['not-ready', UnknownError, expect.stringMatching(/Server Is Not Ready/)],
    // the client raises it without a message, as from a real server
    ['access-denied', AccessDeniedError, ''],
  ])('refuses an append with %s as batch append does, which the client raises as %p', async (fault, type, message) => {
    server.inject('append', fault, 1);
    const before = server.calls.append;
    const error = await failure(client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' }));

    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toEqual(message);
    expect(server.calls.append - before).toBe(1);
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('holds a delayed call, then serves it', async () => {
    server.inject('append', { delayMs: 300 }, 1);
    let isAnswered = false;
    const append = client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' }).then((result) => {
      isAnswered = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(isAnswered).toBe(false);
    expect((await append).nextExpectedRevision).toBe(0n);
  });

  it('hides the events of a stream before a revision from stream reads, not from $all', async () => {
    await client.appendToStream(stream, [anEvent(), anEvent(), anEvent()], { expectedRevision: 'no_stream' });
    server.hideEventsBefore(stream, 2);

    const read = await collect(client.readStream(stream));
    const all = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 3 }));
    const refusal = await failure(client.appendToStream(stream, anEvent(), { expectedRevision: 'no_stream' }));

    expect(read.map((resolved) => resolved.event?.revision)).toEqual([2n]);
    expect(all.map((resolved) => resolved.event?.revision)).toEqual([2n, 1n, 0n]);
    expect(refusal).toMatchObject({ actualVersion: 2n });
  });
});
