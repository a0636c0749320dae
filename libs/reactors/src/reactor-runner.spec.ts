import { InMemoryEventStore, type RecordedEvent } from '@app/event-store';
import { aNewEvent } from '@app/event-store/test-support/events';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { ReactorRunner } from './reactor-runner';

const waitFor = async (what: string, condition: () => boolean, timeoutMs = 2_000): Promise<void> => {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('ReactorRunner', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  let runner: ReactorRunner | undefined;

  beforeEach(() => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
  });

  afterEach(async () => {
    await runner?.stop();
    await store.close();
  });

  it('hands each event after the checkpoint to the reactor and moves the checkpoint', async () => {
    await store.append('ticket-a', [aNewEvent('Before')], { expectedRevision: 'any' });
    const { position: before } = await store.append('ticket-a', [aNewEvent('AlsoBefore')], { expectedRevision: 'any' });
    await checkpoints.save('test', before);
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    runner = ReactorRunner.start(
      store,
      checkpoints,
      { name: 'test', handle: async (event) => void seen.push(event) },
      { onError: (error) => errors.push(error) },
    );
    const { position: last } = await store.append('ticket-b', [aNewEvent('After'), aNewEvent('Later')], {
      expectedRevision: 'any',
    });

    await waitFor('two events', () => seen.length === 2);
    expect(seen.map((event) => event.type)).toEqual(['After', 'Later']);
    await waitFor('the checkpoint', () => runner?.position === last);
    await expect(checkpoints.load('test')).resolves.toBe(last);
    expect(errors).toEqual([]);
  });

  it('subscribes again from its checkpoint after a failure, so the failed event is handled again', async () => {
    const errors: unknown[] = [];
    const attempts: string[] = [];
    let isBroken = true;
    runner = ReactorRunner.start(
      store,
      checkpoints,
      {
        name: 'test',
        filter: { eventTypes: ['Wanted'] },
        handle: async (event) => {
          attempts.push(event.id);
          if (isBroken) {
            isBroken = false;
            throw new Error('Redis is away');
          }
        },
      },
      { onError: (error) => errors.push(error), retryDelayMs: 1 },
    );
    const wanted = aNewEvent('Wanted');
    await store.append('ticket-a', [aNewEvent('Ignored'), wanted], { expectedRevision: 'any' });

    await waitFor('a second attempt', () => attempts.length === 2);
    expect(attempts).toEqual([wanted.id, wanted.id]);
    expect(errors).toEqual([expect.objectContaining({ message: 'Redis is away' })]);
  });

  it('prepares the reactor with its checkpoint before each time it follows the log', async () => {
    const { position: checkpoint } = await store.append('ticket-a', [aNewEvent('Seen')], { expectedRevision: 'any' });
    await checkpoints.save('test', checkpoint);
    const calls: string[] = [];
    let isBroken = true;
    runner = ReactorRunner.start(
      store,
      checkpoints,
      {
        name: 'test',
        prepare: async (after) => void calls.push(`prepare after ${String(after)}`),
        handle: async (event) => {
          calls.push(`handle ${event.type}`);
          if (isBroken) {
            isBroken = false;
            throw new Error('Redis is away');
          }
        },
      },
      { onError: () => undefined, retryDelayMs: 1 },
    );
    await store.append('ticket-b', [aNewEvent('New')], { expectedRevision: 'any' });

    await waitFor('the retried event', () => calls.length === 4);
    expect(calls).toEqual([`prepare after ${checkpoint}`, 'handle New', `prepare after ${checkpoint}`, 'handle New']);
  });
});
