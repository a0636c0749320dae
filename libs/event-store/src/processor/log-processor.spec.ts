import { FixedClock } from '@app/clock';
import { eventually } from '@app/clock/test-support/eventually';
import { InMemoryEventStore } from '../memory/in-memory-event-store';
import type { RecordedEvent } from '../port/event-store.port';
import { aNewEvent } from '../test-support/events';
import { type LogFollower, LogProcessor } from './log-processor';

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A follower that keeps its checkpoint in memory and records each batch it is handed. */
const aFollower = (failOnce?: (batch: readonly RecordedEvent[]) => boolean) => {
  const batches: number[][] = [];
  let checkpoint: number | undefined;
  let hasFailed = false;
  const follower: LogFollower = {
    name: 'test follower',
    checkpoint: async () => checkpoint,
    handle: async (events) => {
      if (!hasFailed && failOnce?.(events)) {
        hasFailed = true;
        throw new Error('disk full');
      }
      batches.push(events.map((event) => event.position));
      checkpoint = events[events.length - 1]?.position;
    },
    skipTo: async (position) => void (checkpoint = position),
  };
  return { follower, batches, checkpoint: () => checkpoint };
};

describe('LogProcessor, live', () => {
  it('given events appended within one turn of the event loop, hands them to the follower as one batch', async () => {
    const store = new InMemoryEventStore();
    const { follower, batches } = aFollower();
    const processor = new LogProcessor(store, follower, {
      clock: new FixedClock('2026-12-02T15:00:00.000Z'),
      logger: quietLogger,
    });
    processor.start();
    await eventually(() => expect(processor.status.state).toBe('live'));

    await Promise.all(
      ['A', 'B', 'C'].map((type) => store.append(`test-${type}`, [aNewEvent(type)], { expectedRevision: 'any' })),
    );

    await eventually(() => expect(batches.flat()).toEqual([1, 2, 3]));
    expect(batches).toEqual([[1, 2, 3]]);
    await processor.stop();
  });

  it('given a batch that fails, follows again from the checkpoint and hands every event again, in order', async () => {
    const store = new InMemoryEventStore();
    const { follower, batches, checkpoint } = aFollower((batch) => batch.some((event) => event.position === 2));
    const processor = new LogProcessor(store, follower, {
      clock: new FixedClock('2026-12-02T15:00:00.000Z'),
      logger: quietLogger,
      retry: { initialDelayMs: 10, maxDelayMs: 10 },
    });
    processor.start();
    await eventually(() => expect(processor.status.state).toBe('live'));
    await store.append('test-a', [aNewEvent('A')], { expectedRevision: 'any' });
    await eventually(() => expect(checkpoint()).toBe(1));

    await store.append('test-b', [aNewEvent('B')], { expectedRevision: 'any' });
    await store.append('test-c', [aNewEvent('C')], { expectedRevision: 'any' });

    await eventually(() => expect(checkpoint()).toBe(3));
    expect(batches.flat()).toEqual([1, 2, 3]);
    expect(processor.status).toMatchObject({ state: 'live', checkpoint: 3 });
    await processor.stop();
  });

  it('given a follower whose preparing moves its checkpoint, follows the log from where preparing left it', async () => {
    const store = new InMemoryEventStore();
    await store.append('test-a', [aNewEvent('A'), aNewEvent('A')], { expectedRevision: 'any' });
    const { follower, batches } = aFollower();
    let checkpoint: number | undefined = 2;
    const startingAgain: LogFollower = {
      ...follower,
      batchSize: 10,
      checkpoint: async () => checkpoint,
      prepare: async () => void (checkpoint = undefined),
    };
    const processor = new LogProcessor(store, startingAgain, {
      clock: new FixedClock('2026-12-02T15:00:00.000Z'),
      logger: quietLogger,
    });

    processor.start();

    await eventually(() => expect(batches.flat()).toEqual([1, 2]));
    await processor.stop();
  });
});
