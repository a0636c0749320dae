import { randomUUID } from 'node:crypto';
import { withUpcasting } from '../codec/event-codec';
import { InMemoryEventStore } from '../memory/in-memory-event-store';
import { ConcurrencyConflict, EventStoreUnavailable, InvalidEvent } from '../port/event-store.errors';
import type { EventStore, RecordedEvent } from '../port/event-store.port';
import { commandEventId, handleCommand, RecordedEventsUnread } from './handle-command';

type CounterEvent =
  | { readonly type: 'TestCounterOpened'; readonly data: { readonly counterId: string } }
  | { readonly type: 'TestCounterIncremented'; readonly data: { readonly counterId: string; readonly by: number } };

interface CounterState {
  readonly isOpen: boolean;
  readonly total: number;
}

class CounterClosed {
  readonly code = 'counter-closed';
}

const initialState: CounterState = { isOpen: false, total: 0 };

const evolve = (state: CounterState, event: CounterEvent): CounterState => {
  switch (event.type) {
    case 'TestCounterOpened':
      return { ...state, isOpen: true };
    case 'TestCounterIncremented':
      return { ...state, total: state.total + event.data.by };
  }
};

type CounterDecider = Parameters<typeof handleCommand<CounterState, CounterEvent, CounterClosed>>[2];
type CommandMetadata = Parameters<typeof handleCommand>[3];

const counterId = 'c1';
const open: CounterDecider = {
  initialState,
  evolve,
  decide: (state) => (state.isOpen ? [] : [{ type: 'TestCounterOpened', data: { counterId } }]),
};
const increment = (by: number): CounterDecider => ({
  initialState,
  evolve,
  decide: (state) =>
    state.isOpen ? [{ type: 'TestCounterIncremented', data: { counterId, by } }] : new CounterClosed(),
});

const aMeta = (overrides: Partial<CommandMetadata> = {}): CommandMetadata => ({
  commandId: randomUUID(),
  correlationId: randomUUID(),
  actor: { id: 'agent-1', role: 'agent' },
  now: '2026-11-30T19:00:00.000Z',
  ...overrides,
});

const readAll = async (store: EventStore, stream: string): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(stream)) events.push(event);
  return events;
};

/** Appends a competing event just before each of the first `times` appends, as another writer would. */
const racing = (store: EventStore, stream: string, times: number): { store: EventStore; appends: () => number } => {
  let appends = 0;
  return {
    appends: () => appends,
    store: {
      readStream: (name, options) => store.readStream(name, options),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
      headPosition: () => store.headPosition(),
      ping: () => store.ping(),
      close: () => store.close(),
      append: async (name, events, options) => {
        appends++;
        if (appends <= times) {
          await store.append(
            stream,
            [
              {
                id: randomUUID(),
                type: 'TestCounterIncremented',
                data: { counterId, by: 100 },
                metadata: { ...(events[0] as RecordedEvent).metadata },
              },
            ],
            { expectedRevision: 'any' },
          );
        }
        return store.append(name, events, options);
      },
    },
  };
};

describe('handleCommand', () => {
  const stream = 'counter-c1';
  let store: EventStore;

  beforeEach(() => {
    store = withUpcasting(new InMemoryEventStore(), []);
  });

  it('appends the decided events to a new stream with deterministic ids and full metadata', async () => {
    const meta = aMeta();
    const outcome = await handleCommand(store, stream, open, meta);

    const expected = {
      id: commandEventId(meta.commandId, 0),
      type: 'TestCounterOpened',
      data: { counterId },
      metadata: {
        correlationId: meta.correlationId,
        causationId: meta.commandId,
        actor: meta.actor,
        recordedAt: meta.now,
        schemaVersion: 1,
      },
      stream,
      revision: 0,
      position: 1,
    };
    expect(outcome).toEqual({
      outcome: 'accepted',
      events: [expected],
      state: { isOpen: true, total: 0 },
      revision: 0,
    });
    expect(await readAll(store, stream)).toEqual([expected]);
  });

  it('derives a distinct, stable id for each event of a command', () => {
    expect(commandEventId('cmd-1', 0)).toBe(commandEventId('cmd-1', 0));
    expect(new Set([commandEventId('cmd-1', 0), commandEventId('cmd-1', 1), commandEventId('cmd-2', 0)]).size).toBe(3);
  });

  it('folds the stream before deciding and appends at the expected revision', async () => {
    await handleCommand(store, stream, open, aMeta());
    await handleCommand(store, stream, increment(2), aMeta());
    const outcome = await handleCommand(store, stream, increment(3), aMeta({ causationId: 'event-9' }));

    expect(outcome).toMatchObject({ outcome: 'accepted', state: { isOpen: true, total: 5 }, revision: 2 });
    expect(outcome.outcome === 'accepted' && outcome.events[0]?.metadata.causationId).toBe('event-9');
  });

  it('returns a refusal and appends nothing', async () => {
    const outcome = await handleCommand(store, stream, increment(1), aMeta());

    expect(outcome).toEqual({ outcome: 'refused', refusal: new CounterClosed(), state: initialState, revision: null });
    expect(await readAll(store, stream)).toEqual([]);
  });

  it('appends nothing when the decider decides nothing', async () => {
    await handleCommand(store, stream, open, aMeta());
    const outcome = await handleCommand(store, stream, open, aMeta());

    expect(outcome).toEqual({ outcome: 'accepted', events: [], state: { isOpen: true, total: 0 }, revision: 0 });
    expect(await readAll(store, stream)).toHaveLength(1);
  });

  it('appends a retried command once, reporting the events it recorded the first time', async () => {
    await handleCommand(store, stream, open, aMeta());
    const meta = aMeta();
    const first = await handleCommand(store, stream, increment(2), meta);
    const retried = await handleCommand(store, stream, increment(2), meta);

    expect(retried).toEqual({ ...first, state: { isOpen: true, total: 2 } });
    expect(await readAll(store, stream)).toHaveLength(2);
  });

  it('starts again from the new state after a concurrency conflict', async () => {
    await handleCommand(store, stream, open, aMeta());
    const race = racing(store, stream, 1);
    const outcome = await handleCommand(race.store, stream, increment(1), aMeta());

    expect(outcome).toMatchObject({ outcome: 'accepted', state: { total: 101 }, revision: 2 });
    expect(race.appends()).toBe(2);
  });

  it('rethrows the conflict after 3 retries', async () => {
    await handleCommand(store, stream, open, aMeta());
    const race = racing(store, stream, Infinity);

    await expect(handleCommand(race.store, stream, increment(1), aMeta())).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(race.appends()).toBe(4);
  });

  it('reports the events as recorded when reading them back after the append fails, and a retry appends nothing', async () => {
    await handleCommand(store, stream, open, aMeta());
    const meta = aMeta();
    const unavailable = new EventStoreUnavailable('connection lost');
    const unreadable: EventStore = {
      ...store,
      readStream: (name, options) =>
        options?.fromRevision === undefined
          ? store.readStream(name, options)
          : { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(unavailable) }) },
    };

    const failed = handleCommand(unreadable, stream, increment(2), meta);

    await expect(failed).rejects.toBeInstanceOf(RecordedEventsUnread);
    await expect(failed).rejects.toMatchObject({
      stream,
      revision: 1,
      events: [{ id: commandEventId(meta.commandId, 0), type: 'TestCounterIncremented' }],
      failure: unavailable,
    });
    expect(await readAll(store, stream)).toHaveLength(2);
    expect(await handleCommand(store, stream, increment(2), meta)).toMatchObject({ state: { total: 2 }, revision: 1 });
    expect(await readAll(store, stream)).toHaveLength(2);
  });

  it('leaves the schema version to the store: an adapter used without openEventStore refuses its events', async () => {
    const outcome = handleCommand(new InMemoryEventStore(), stream, open, aMeta());

    await expect(outcome).rejects.toBeInstanceOf(InvalidEvent);
  });
});
