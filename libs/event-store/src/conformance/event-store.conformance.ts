import { randomUUID } from 'node:crypto';
import {
  ConcurrencyConflict,
  DuplicateEventId,
  EventTooLarge,
  InvalidEvent,
  InvalidStreamName,
} from '../port/event-store.errors';
import type { EventStore, ExpectedRevision, NewEvent, RecordedEvent, Subscription } from '../port/event-store.port';
import { EVENT_SIZE_LIMIT_BYTES } from '../port/validate-append';

/** What the suite needs from an adapter; `dispose` closes the store and removes whatever the harness created. */
export interface ConformanceHarness {
  readonly store: EventStore;
  /** Cuts every connection to the server (the adapter must reconnect and resume); absent for embedded stores. */
  readonly cutConnections?: () => Promise<void>;
  readonly dispose: () => Promise<void>;
}

const WAIT_TIMEOUT_MS = 10_000;

/** A category no other test uses, so that the suite can share a store (or a server) with anything else. */
const aCategory = (): string => `conf${randomUUID().replace(/-/g, '')}`;

const anEvent = (n: number, overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'TestEventRecorded',
  data: { n, note: `event ${n}`, nested: { list: [1, 'two', null, true] } },
  metadata: {
    correlationId: randomUUID(),
    causationId: null,
    actor: { id: 'conformance', role: 'system' },
    recordedAt: '2026-11-30T19:00:00.000Z',
    schemaVersion: 1,
  },
  ...overrides,
});

const events = (count: number, from = 0): NewEvent[] => Array.from({ length: count }, (_, i) => anEvent(from + i));

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for await (const event of iterable) all.push(event);
  return all;
};

const failure = async (attempt: () => Promise<unknown>): Promise<unknown> => {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got success');
};

const lastRevision = async (store: EventStore, stream: string): Promise<number | null> => {
  for await (const event of store.readStream(stream, { direction: 'backwards', maxCount: 1 })) return event.revision;
  return null;
};

/** Resolves when `predicate` holds after a call; rejects after a timeout so that a stuck subscription fails. */
class Recorded<T> {
  readonly received: T[] = [];
  private readonly checks: (() => void)[] = [];

  readonly handler = async (item: T): Promise<void> => {
    this.received.push(item);
    for (const check of [...this.checks]) check();
  };

  until(predicate: (received: readonly T[]) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`condition not met in ${WAIT_TIMEOUT_MS} ms: ${this.received.length} received`)),
        WAIT_TIMEOUT_MS,
      );
      const check = (): void => {
        if (!predicate(this.received)) return;
        clearTimeout(timer);
        this.checks.splice(this.checks.indexOf(check), 1);
        resolve();
      };
      this.checks.push(check);
      check();
    });
  }
}

class Deliveries extends Recorded<RecordedEvent> {
  untilIds(ids: readonly string[]): Promise<void> {
    return this.until((received) => ids.every((id) => received.some((event) => event.id === id)));
  }
}

const ids = (list: readonly { readonly id: string }[]): string[] => list.map((event) => event.id);

const unique = (received: readonly RecordedEvent[]): RecordedEvent[] =>
  received.filter((event, i) => received.findIndex((other) => other.id === event.id) === i);

/** What differs between adapters and is known before any store is opened. */
export interface ConformanceCapabilities {
  /** Every store the harness opens starts with an empty log (EventStoreDB always holds its own system events). */
  readonly opensEmpty: boolean;
}

/**
 * The one suite every `EventStore` adapter passes. Call it from a spec with a harness that opens a fresh store; tests
 * use unique streams, so the store may be shared with other data.
 */
export const describeEventStoreConformance = (
  adapterName: string,
  harness: () => Promise<ConformanceHarness>,
  { opensEmpty }: ConformanceCapabilities,
): void => {
  describe(`EventStore conformance: ${adapterName}`, () => {
    let opened: ConformanceHarness;
    let store: EventStore;
    let category: string;
    const subscriptions: Subscription[] = [];
    const subscribe = (...args: Parameters<EventStore['subscribeToAll']>): Subscription => {
      const subscription = store.subscribeToAll(...args);
      subscriptions.push(subscription);
      return subscription;
    };
    const ourEvents = { streamPrefixes: [] as string[] };

    beforeEach(async () => {
      opened = await harness();
      store = opened.store;
      category = aCategory();
      ourEvents.streamPrefixes = [`${category}-`];
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
      await opened.dispose();
    });

    describe('appending and reading a stream', () => {
      it('reads back every field, forwards and backwards, from a revision and up to a count', async () => {
        const stream = `${category}-1`;
        const appended = events(5);
        const result = await store.append(stream, appended, { expectedRevision: 'no-stream' });
        const forwards = await collect(store.readStream(stream));

        expect(forwards).toEqual(
          appended.map((event, revision) => ({ ...event, stream, revision, position: expect.any(Number) })),
        );
        expect(result).toEqual({ nextExpectedRevision: 4, position: forwards[4]?.position });
        expect(await collect(store.readStream(stream, { direction: 'backwards' }))).toEqual([...forwards].reverse());
        expect(ids(await collect(store.readStream(stream, { fromRevision: 1, maxCount: 2 })))).toEqual(
          ids(appended.slice(1, 3)),
        );
        expect(
          ids(await collect(store.readStream(stream, { direction: 'backwards', fromRevision: 3, maxCount: 2 }))),
        ).toEqual(ids([appended[3]!, appended[2]!]));
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await collect(store.readStream(`${category}-missing`))).toEqual([]);
        expect(await collect(store.readStream(`${category}-missing`, { direction: 'backwards' }))).toEqual([]);
      });

      it('continues a stream at the next revision', async () => {
        const stream = `${category}-1`;
        await store.append(stream, events(2), { expectedRevision: 'no-stream' });
        const result = await store.append(stream, events(3, 2), { expectedRevision: 1 });

        expect(result.nextExpectedRevision).toBe(4);
        expect((await collect(store.readStream(stream))).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
      });
    });

    describe('expected revision', () => {
      const cases: readonly [string, ExpectedRevision | ((last: number) => ExpectedRevision), boolean, boolean][] = [
        // expectation, accepted on a new stream, accepted on a stream at revision 1
        ['no-stream', 'no-stream', true, false],
        ['stream-exists', 'stream-exists', false, true],
        ['any', 'any', true, true],
        ['the exact last revision', (last) => last, false, true],
        ['a stale revision', (last) => last - 1, false, false],
        ['a revision ahead', (last) => last + 1, false, false],
      ];

      it.each(cases)(
        '%s: accepted on a new stream = %s, on an existing one = %s',
        async (_, expectation, onNew, onExisting) => {
          const expected = (last: number): ExpectedRevision =>
            typeof expectation === 'function' ? expectation(last) : expectation;
          const fresh = `${category}-new`;
          const existing = `${category}-existing`;
          await store.append(existing, events(2), { expectedRevision: 'no-stream' });

          for (const [stream, isAccepted, last] of [
            [fresh, onNew, 0],
            [existing, onExisting, 1],
          ] as const) {
            const before = await collect(store.readStream(stream));
            const attempt = (): Promise<unknown> =>
              store.append(stream, [anEvent(9)], { expectedRevision: expected(last) });
            if (isAccepted) {
              await expect(attempt()).resolves.toEqual({
                nextExpectedRevision: before.length,
                position: expect.any(Number),
              });
            } else {
              const error = await failure(attempt);
              expect(error).toBeInstanceOf(ConcurrencyConflict);
              expect(error).toMatchObject({
                stream,
                expectedRevision: expected(last),
                actualRevision: before.length === 0 ? null : before.length - 1,
              });
              expect(await collect(store.readStream(stream))).toEqual(before);
            }
          }
        },
      );

      it('lets 8 concurrent writers on one stream end with contiguous revisions, every conflict surfaced', async () => {
        const stream = `${category}-contended`;
        const writers = 8;
        const appendsPerWriter = 5;
        const acknowledged: { id: string; revision: number }[] = [];
        const conflicts: ConcurrencyConflict[] = [];
        const write = async (writer: number): Promise<void> => {
          for (let n = 0; n < appendsPerWriter;) {
            const last = await lastRevision(store, stream);
            const event = anEvent(writer * 100 + n);
            try {
              const result = await store.append(stream, [event], { expectedRevision: last ?? 'no-stream' });
              acknowledged.push({ id: event.id, revision: result.nextExpectedRevision });
              n++;
            } catch (error) {
              if (!(error instanceof ConcurrencyConflict)) throw error;
              conflicts.push(error);
            }
          }
        };
        await Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));
        const stored = await collect(store.readStream(stream));

        expect(stored.map((event) => event.revision)).toEqual(
          Array.from({ length: writers * appendsPerWriter }, (_, i) => i),
        );
        expect(new Set(ids(stored)).size).toBe(stored.length);
        expect([...acknowledged].sort((a, b) => a.revision - b.revision)).toEqual(
          stored.map(({ id, revision }) => ({ id, revision })),
        );
        expect(conflicts.length).toBeGreaterThan(0);
        for (const conflict of conflicts) {
          expect(conflict.stream).toBe(stream);
          expect(conflict.actualRevision).not.toBe(
            conflict.expectedRevision === 'no-stream' ? null : conflict.expectedRevision,
          );
        }
      });
    });

    describe('idempotency', () => {
      it('reports the original result and writes nothing when the same ids are appended again', async () => {
        const stream = `${category}-1`;
        const batch = events(3);
        const first = await store.append(stream, batch, { expectedRevision: 'no-stream' });
        const stored = await collect(store.readStream(stream));

        await expect(store.append(stream, batch, { expectedRevision: 'no-stream' })).resolves.toEqual(first);
        await expect(store.append(stream, batch, { expectedRevision: 'any' })).resolves.toEqual(first);
        await expect(store.append(stream, batch, { expectedRevision: 2 })).resolves.toEqual(first);
        await expect(store.append(stream, [batch[1]!], { expectedRevision: 0 })).resolves.toEqual({
          nextExpectedRevision: 1,
          position: stored[1]?.position,
        });
        expect(await collect(store.readStream(stream))).toEqual(stored);
      });

      it('repeats a retried append even after the stream has moved on', async () => {
        const stream = `${category}-1`;
        const batch = events(2);
        const first = await store.append(stream, batch, { expectedRevision: 'no-stream' });
        await store.append(stream, events(2, 2), { expectedRevision: 1 });

        await expect(store.append(stream, batch, { expectedRevision: 'no-stream' })).resolves.toEqual(first);
        expect(await collect(store.readStream(stream))).toHaveLength(4);
      });

      it('refuses a batch that only partly repeats stored ids, writing nothing', async () => {
        const stream = `${category}-1`;
        const batch = events(2);
        await store.append(stream, batch, { expectedRevision: 'no-stream' });
        const fresh = anEvent(5);

        const error = await failure(() => store.append(stream, [batch[1]!, fresh], { expectedRevision: 'any' }));

        expect(error).toBeInstanceOf(DuplicateEventId);
        expect(error).toMatchObject({ eventId: batch[1]!.id, stream, storedInStream: stream });
        expect(ids(await collect(store.readStream(stream)))).toEqual(ids(batch));
      });
    });

    describe('global order', () => {
      it('gives strictly increasing positions in append order and reads the log after a position, filtered', async () => {
        const appended: { stream: string; event: NewEvent }[] = [];
        for (let i = 0; i < 12; i++) {
          const stream = `${category}-${i % 3}`;
          const event = anEvent(i, { type: i % 2 === 0 ? 'TestEventRecorded' : 'TestEventAmended' });
          await store.append(stream, [event], { expectedRevision: 'any' });
          appended.push({ stream, event });
        }
        const all = await collect(store.readAll({ filter: ourEvents }));
        const positions = all.map((event) => event.position);

        expect(ids(all)).toEqual(appended.map(({ event }) => event.id));
        expect(positions.every((position, i) => i === 0 || position > positions[i - 1]!)).toBe(true);
        expect(ids(await collect(store.readAll({ after: positions[4], filter: ourEvents, maxCount: 3 })))).toEqual(
          ids(all.slice(5, 8)),
        );
        expect(
          ids(
            await collect(
              store.readAll({ filter: { streamPrefixes: [`${category}-1`], eventTypes: ['TestEventAmended'] } }),
            ),
          ),
        ).toEqual(ids(all.filter((event) => event.stream === `${category}-1` && event.type === 'TestEventAmended')));
      });
    });

    describe('subscriptions', () => {
      it('delivers every event in order, catching up then live, including events appended while it catches up', async () => {
        const stream = `${category}-1`;
        const history = events(40);
        for (let i = 0; i < history.length; i += 10) {
          await store.append(stream, history.slice(i, i + 10), { expectedRevision: 'any' });
        }
        const duringCatchUp = events(10, 100);
        const live = events(10, 200);
        const deliveries = new Deliveries();
        let isFirst = true;
        subscribe({ filter: ourEvents }, async (event) => {
          if (isFirst) {
            isFirst = false;
            await store.append(`${category}-2`, duringCatchUp, { expectedRevision: 'no-stream' });
          }
          await deliveries.handler(event);
        });
        await deliveries.untilIds(ids(duringCatchUp));
        await store.append(stream, live, { expectedRevision: 'any' });
        await deliveries.untilIds(ids(live));

        expect(ids(deliveries.received)).toEqual(ids([...history, ...duringCatchUp, ...live]));
        const positions = deliveries.received.map((event) => event.position);
        expect(positions.every((position, i) => i === 0 || position > positions[i - 1]!)).toBe(true);
      });

      it('runs the handler for one event at a time', async () => {
        const appended = events(20);
        await store.append(`${category}-1`, appended, { expectedRevision: 'no-stream' });
        const deliveries = new Deliveries();
        let running = 0;
        let maxRunning = 0;
        subscribe({ filter: ourEvents }, async (event) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise<void>((resolve) => setImmediate(resolve));
          running--;
          await deliveries.handler(event);
        });
        await deliveries.untilIds(ids(appended));

        expect(maxRunning).toBe(1);
      });

      it('resumes after its stored checkpoint without a gap', async () => {
        const stream = `${category}-1`;
        const first = events(5);
        await store.append(stream, first, { expectedRevision: 'no-stream' });
        const deliveries = new Deliveries();
        let checkpoint: number | undefined;
        const subscription = subscribe({ filter: ourEvents }, async (event) => {
          await deliveries.handler(event);
          checkpoint = event.position;
        });
        await deliveries.untilIds(ids(first));
        await subscription.stop();
        const second = events(5, 5);
        await store.append(stream, second, { expectedRevision: 4 });

        const resumed = new Deliveries();
        subscribe({ after: checkpoint, filter: ourEvents }, resumed.handler);
        await resumed.untilIds(ids(second));

        expect(ids(deliveries.received)).toEqual(ids(first));
        expect(ids(resumed.received)).toEqual(ids(second));
      });

      it('resumes from its checkpoint after the connections are cut, in order and without a gap', async () => {
        const stream = `${category}-1`;
        const before = events(5);
        await store.append(stream, before, { expectedRevision: 'no-stream' });
        const deliveries = new Deliveries();
        subscribe({ filter: ourEvents }, deliveries.handler);
        await deliveries.untilIds(ids(before));
        await opened.cutConnections?.();
        const afterCut = events(5, 5);
        for (const event of afterCut) await store.append(stream, [event], { expectedRevision: 'any' });
        await deliveries.untilIds(ids(afterCut));

        const expected = ids([...before, ...afterCut]);
        expect(ids(unique(deliveries.received))).toEqual(expected);
        // at least once: each delivery is the next event, or restarts a replay from an earlier checkpoint
        const indexes = deliveries.received.map((event) => expected.indexOf(event.id));
        expect(indexes.every((index, i) => index === (indexes[i - 1] ?? -1) + 1 || index <= indexes[i - 1]!)).toBe(
          true,
        );
      });

      it('ends with the handler error, delivering nothing after it', async () => {
        await store.append(`${category}-1`, events(3), { expectedRevision: 'no-stream' });
        const handlerFailure = new Error('handler failed');
        const delivered: RecordedEvent[] = [];
        const subscription = subscribe({ filter: ourEvents }, async (event) => {
          delivered.push(event);
          if (delivered.length === 2) throw handlerFailure;
        });

        await expect(subscription.done).rejects.toBe(handlerFailure);
        expect(delivered).toHaveLength(2);
      });

      it('waits for the handler in flight when stopped, then ends', async () => {
        await store.append(`${category}-1`, events(3), { expectedRevision: 'no-stream' });
        let release: () => void = () => undefined;
        let isInFlight = false;
        const started = new Deliveries();
        const subscription = subscribe({ filter: ourEvents }, async (event) => {
          isInFlight = true;
          const released = new Promise<void>((resolve) => (release = resolve));
          await started.handler(event);
          await released;
          isInFlight = false;
        });
        await started.until((received) => received.length === 1);
        const stopping = subscription.stop();
        expect(isInFlight).toBe(true);
        release();
        await stopping;

        expect(isInFlight).toBe(false);
        await expect(subscription.done).resolves.toBeUndefined();
        expect(started.received).toHaveLength(1);
      });
    });

    describe('the head of the log', () => {
      if (opensEmpty) {
        it('has no head while the log is empty', async () => {
          await expect(store.headPosition()).resolves.toBeUndefined();
        });
      }

      it('is the position of the last event appended, in whichever stream', async () => {
        const first = await store.append(`${category}-1`, events(3), { expectedRevision: 'no-stream' });
        await expect(store.headPosition()).resolves.toBe(first.position);

        const second = await store.append(`${aCategory()}-1`, events(1), { expectedRevision: 'no-stream' });
        await expect(store.headPosition()).resolves.toBe(second.position);
        expect(second.position).toBeGreaterThan(first.position);
      });
    });

    describe('checkpoints of a filtered subscription', () => {
      it('reports the head when the tail of the log does not match, and resuming there delivers only later events', async () => {
        const matching = events(3);
        await store.append(`${category}-1`, matching, { expectedRevision: 'no-stream' });
        await store.append(`${aCategory()}-1`, events(5), { expectedRevision: 'no-stream' });
        const head = await store.headPosition();
        const deliveries = new Deliveries();
        const checkpoints = new Recorded<number>();
        const subscription = subscribe({ filter: ourEvents, onCheckpoint: checkpoints.handler }, deliveries.handler);
        await checkpoints.until((reported) => reported.includes(head!));
        await subscription.stop();

        expect(ids(deliveries.received)).toEqual(ids(matching));
        expect(checkpoints.received.at(-1)).toBe(head);
        const later = events(2, 10);
        await store.append(`${category}-2`, later, { expectedRevision: 'no-stream' });
        const resumed = new Deliveries();
        subscribe({ after: head, filter: ourEvents }, resumed.handler);
        await resumed.untilIds(ids(later));
        expect(ids(resumed.received)).toEqual(ids(later));
      });

      it('never reports below an event delivered or a checkpoint reported, through catch-up and live', async () => {
        const other = `${aCategory()}-1`;
        const matching: NewEvent[] = [];
        const appendRound = async (round: number): Promise<void> => {
          const event = anEvent(round);
          matching.push(event);
          await store.append(`${category}-${round}`, [event], { expectedRevision: 'no-stream' });
          await store.append(other, events(40, round * 100), { expectedRevision: 'any' });
        };
        for (let round = 0; round < 3; round++) await appendRound(round);
        const seen: { kind: 'event' | 'checkpoint'; position: number }[] = [];
        const deliveries = new Deliveries();
        const checkpoints = new Recorded<number>();
        subscribe(
          {
            filter: ourEvents,
            onCheckpoint: async (position) => {
              seen.push({ kind: 'checkpoint', position });
              await checkpoints.handler(position);
            },
          },
          async (event) => {
            seen.push({ kind: 'event', position: event.position });
            await deliveries.handler(event);
          },
        );
        await checkpoints.until((reported) => reported.length > 0);
        for (let round = 3; round < 6; round++) await appendRound(round);
        const head = await store.headPosition();
        await deliveries.untilIds(ids(matching));
        await checkpoints.until((reported) => reported.includes(head!));

        expect(ids(deliveries.received)).toEqual(ids(matching));
        const positions = seen.map(({ position }) => position);
        expect(positions.every((position, i) => i === 0 || position > positions[i - 1]!)).toBe(true);
        expect(seen.at(-1)).toEqual({ kind: 'checkpoint', position: head });
      });

      it('ends with the error of onCheckpoint, as with a handler error', async () => {
        await store.append(`${aCategory()}-1`, events(2), { expectedRevision: 'no-stream' });
        const checkpointFailure = new Error('checkpoint not stored');
        const subscription = subscribe(
          {
            filter: ourEvents,
            onCheckpoint: async () => {
              throw checkpointFailure;
            },
          },
          async () => undefined,
        );

        await expect(subscription.done).rejects.toBe(checkpointFailure);
      });
    });

    describe('bad input', () => {
      const badAppends: readonly [
        string,
        (category: string) => [string, NewEvent[]],
        new (...args: never[]) => Error,
      ][] = [
        [
          'an event over 1 MiB',
          (c) => [`${c}-1`, [anEvent(1), anEvent(2, { data: { blob: 'x'.repeat(EVENT_SIZE_LIMIT_BYTES) } })]],
          EventTooLarge,
        ],
        ['a stream name without an id', (c) => [c, [anEvent(1)]], InvalidStreamName],
        ['a stream name without a category', (c) => [`-${c}`, [anEvent(1)]], InvalidStreamName],
        ['a stream name with a space', (c) => [`${c}-a b`, [anEvent(1)]], InvalidStreamName],
        ['a system stream name', (c) => [`$${c}-1`, [anEvent(1)]], InvalidStreamName],
        ['data with a date', (c) => [`${c}-1`, [anEvent(1, { data: { at: new Date(0) } })]], InvalidEvent],
        ['data with NaN', (c) => [`${c}-1`, [anEvent(1, { data: { n: Number.NaN } })]], InvalidEvent],
        ['data with a function', (c) => [`${c}-1`, [anEvent(1, { data: { f: () => 1 } })]], InvalidEvent],
        ['data with a bigint', (c) => [`${c}-1`, [anEvent(1, { data: { n: BigInt(1) } })]], InvalidEvent],
        ['undefined data', (c) => [`${c}-1`, [anEvent(1, { data: undefined })]], InvalidEvent],
        ['an id that is not a UUID', (c) => [`${c}-1`, [anEvent(1, { id: 'not-a-uuid' })]], InvalidEvent],
        ['an empty type', (c) => [`${c}-1`, [anEvent(1, { type: '' })]], InvalidEvent],
        ['an empty batch', (c) => [`${c}-1`, []], InvalidEvent],
        [
          'the same id twice in a batch',
          (c) => {
            const e = anEvent(1);
            return [`${c}-1`, [e, { ...e }]];
          },
          InvalidEvent,
        ],
      ];

      it.each(badAppends)('refuses %s with a typed error, writing nothing', async (_, build, errorType) => {
        const [stream, batch] = build(category);
        const error = await failure(() => store.append(stream, batch, { expectedRevision: 'any' }));

        expect(error).toBeInstanceOf(errorType);
        expect(await collect(store.readAll({ filter: ourEvents }))).toEqual([]);
      });

      it('reports the size of an oversized event and the limit', async () => {
        const event = anEvent(1, { data: { blob: 'é'.repeat(EVENT_SIZE_LIMIT_BYTES / 2) } });
        const error = await failure(() => store.append(`${category}-1`, [event], { expectedRevision: 'any' }));

        expect(error).toBeInstanceOf(EventTooLarge);
        expect(error).toMatchObject({ eventId: event.id, limitBytes: EVENT_SIZE_LIMIT_BYTES });
        expect((error as EventTooLarge).sizeBytes).toBeGreaterThan(EVENT_SIZE_LIMIT_BYTES);
      });

      it('accepts an event of half the limit', async () => {
        const event = anEvent(1, { data: { blob: 'x'.repeat(EVENT_SIZE_LIMIT_BYTES / 2) } });
        await store.append(`${category}-1`, [event], { expectedRevision: 'no-stream' });

        expect((await collect(store.readStream(`${category}-1`)))[0]?.data).toEqual(event.data);
      });
    });

    describe('lifecycle', () => {
      it('answers a ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
};
