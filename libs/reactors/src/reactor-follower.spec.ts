import { FixedClock } from '@app/clock';
import {
  EventStoreUnavailable,
  InMemoryEventStore,
  type LogProcessor,
  type RecordedEvent,
  SubscriptionRefused,
} from '@app/event-store';
import { aNewEvent } from '@app/event-store/test-support/events';
import { eventually } from '@app/clock/test-support/eventually';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { type Reactor, startReactor } from './reactor-follower';

const NOW = '2026-12-02T15:00:00.000Z';

/** Lines a processor logs, by level. */
const aLogger = () => {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      log: (message: string) => void lines.push(`log ${message}`),
      warn: (message: string) => void lines.push(`warn ${message}`),
      error: (message: string) => void lines.push(`error ${message}`),
    },
  };
};

describe('a reactor following the log', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  let processor: LogProcessor | undefined;
  const start = (reactor: Reactor, logger = aLogger().logger, isPermanent?: (error: unknown) => boolean) => {
    processor = startReactor(store, checkpoints, reactor, {
      clock: new FixedClock(NOW),
      logger,
      retry: { initialDelayMs: 1, maxDelayMs: 4 },
      ...(isPermanent ? { isPermanent } : {}),
    });
    return processor;
  };

  beforeEach(() => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
  });

  afterEach(async () => {
    await processor?.stop();
    await store.close();
  });

  it('hands each event after the checkpoint to the reactor and moves the checkpoint', async () => {
    await store.append('ticket-a', [aNewEvent('Before')], { expectedRevision: 'any' });
    const { position: before } = await store.append('ticket-a', [aNewEvent('AlsoBefore')], { expectedRevision: 'any' });
    await checkpoints.save('test', before);
    const seen: RecordedEvent[] = [];
    const running = start({ name: 'test', handle: async (event) => void seen.push(event) });
    const { position: last } = await store.append('ticket-b', [aNewEvent('After'), aNewEvent('Later')], {
      expectedRevision: 'any',
    });

    await eventually(() => expect(seen.map((event) => event.type)).toEqual(['After', 'Later']));
    await eventually(() => expect(running.status).toEqual({ name: 'test', state: 'live', checkpoint: last }));
    await expect(checkpoints.load('test')).resolves.toBe(last);
  });

  it('moves its checkpoint past events its filter skips, so an idle follower does not scan the same tail again', async () => {
    const seen: string[] = [];
    start({ name: 'test', filter: { eventTypes: ['Wanted'] }, handle: async (event) => void seen.push(event.type) });
    await store.append('ticket-a', [aNewEvent('Wanted')], { expectedRevision: 'any' });
    const { position: head } = await store.append('ticket-a', [aNewEvent('Ignored'), aNewEvent('AlsoIgnored')], {
      expectedRevision: 'any',
    });

    await eventually(async () => expect(await checkpoints.load('test')).toBe(head));
    expect(seen).toEqual(['Wanted']);
  });

  it('follows the log again from its checkpoint after a failure, logging the first failure and the recovery', async () => {
    const { lines, logger } = aLogger();
    const attempts: string[] = [];
    let failuresLeft = 3;
    const running = start(
      {
        name: 'test',
        filter: { eventTypes: ['Wanted'] },
        handle: async (event) => {
          attempts.push(event.id);
          if (failuresLeft-- > 0) throw new Error('Redis is away');
        },
      },
      logger,
    );
    const wanted = aNewEvent('Wanted');
    await store.append('ticket-a', [aNewEvent('Ignored'), wanted], { expectedRevision: 'any' });

    await eventually(() => expect(attempts).toEqual([wanted.id, wanted.id, wanted.id, wanted.id]));
    await eventually(() => expect(running.status.state).toBe('live'));
    expect(running.status.failure).toBeUndefined();
    expect(lines).toEqual([
      expect.stringMatching(/^warn test failed \(Redis is away\); following the log again .* up to 4 ms$/),
      'log test follows the log again after 3 failure(s)',
    ]);
  });

  it('reports a run of failures while it lasts', async () => {
    const running = start({
      name: 'test',
      handle: async () => {
        throw new Error('disk full');
      },
    });
    await store.append('ticket-a', [aNewEvent('Any')], { expectedRevision: 'any' });

    await eventually(() =>
      expect(running.status).toMatchObject({
        state: 'retrying',
        failure: { error: 'disk full', since: NOW, attempts: expect.any(Number) },
      }),
    );
    await eventually(() => expect(running.status.failure?.attempts).toBeGreaterThan(2));
  });

  it('stops for good, logged once at error level, on an error no retry can cure', async () => {
    const { lines, logger } = aLogger();
    const refused = new Error('access denied to $all');
    const running = start(
      {
        name: 'test',
        handle: async () => {
          throw refused;
        },
      },
      logger,
      (error) => error === refused,
    );
    await store.append('ticket-a', [aNewEvent('Any')], { expectedRevision: 'any' });

    await eventually(() => expect(running.status.state).toBe('failed'));
    expect(running.status.failure).toMatchObject({ error: 'access denied to $all', attempts: 1 });
    expect(lines).toEqual(['error test stopped following the log: access denied to $all']);
  });

  it('stops for good when the store refuses its subscription, with no hook given', async () => {
    const { lines, logger } = aLogger();
    const refused = new SubscriptionRefused('access-denied', new EventStoreUnavailable('$all denied'));
    const running = start(
      {
        name: 'test',
        handle: async () => {
          throw refused;
        },
      },
      logger,
    );
    await store.append('ticket-a', [aNewEvent('Any')], { expectedRevision: 'any' });

    await eventually(() => expect(running.status.state).toBe('failed'));
    expect(lines).toEqual([`error test stopped following the log: ${refused.message}`]);
  });

  it('prepares the reactor with its checkpoint before each time it follows the log', async () => {
    const { position: checkpoint } = await store.append('ticket-a', [aNewEvent('Seen')], { expectedRevision: 'any' });
    await checkpoints.save('test', checkpoint);
    const calls: string[] = [];
    let isBroken = true;
    start({
      name: 'test',
      prepare: async (after) => void calls.push(`prepare after ${String(after)}`),
      handle: async (event) => {
        calls.push(`handle ${event.type}`);
        if (isBroken) {
          isBroken = false;
          throw new Error('Redis is away');
        }
      },
    });
    await store.append('ticket-b', [aNewEvent('New')], { expectedRevision: 'any' });

    await eventually(() =>
      expect(calls).toEqual([`prepare after ${checkpoint}`, 'handle New', `prepare after ${checkpoint}`, 'handle New']),
    );
  });
});
