import type { CommandMetadata, Decider, DomainEvent } from '@app/kernel';
import { v5 as uuidv5 } from 'uuid';
import { ConcurrencyConflict, EventStoreUnavailable } from '../port/event-store.errors';
import type { EventStore, NewEvent, RecordedEvent } from '../port/event-store.port';

/** The namespace of the deterministic ids of the events a command produces. Never change it. */
export const COMMAND_EVENT_ID_NAMESPACE = '6590bb31-4a0d-4614-bf79-abd737d42144';

export type CommandOutcome<S, E extends DomainEvent, R> =
  | {
      readonly outcome: 'accepted';
      /** The events appended, as recorded; empty when `decide` returned `[]`. */
      readonly events: readonly (RecordedEvent<E['data']> & { readonly type: E['type'] })[];
      readonly state: S;
      /** The stream's last revision, `null` while it does not exist. */
      readonly revision: number | null;
    }
  | { readonly outcome: 'refused'; readonly refusal: R; readonly state: S; readonly revision: number | null };

/**
 * The command's events are appended (up to `revision` of `stream`), but reading them back failed: the command is
 * recorded, only its outcome could not be read. Retrying the same command appends nothing.
 */
export class RecordedEventsUnread extends EventStoreUnavailable {
  constructor(
    readonly stream: string,
    readonly revision: number,
    readonly events: readonly Pick<NewEvent, 'id' | 'type'>[],
    readonly failure: unknown,
  ) {
    super(`events appended to ${stream} up to revision ${revision}, then reading them back failed: ${String(failure)}`);
  }
}

const MAX_RETRIES = 3;

/** The id an event gets from its command: the same on every retry of the command, so the append is idempotent. */
export const commandEventId = (commandId: string, index: number): string =>
  uuidv5(`${commandId}:${index}`, COMMAND_EVENT_ID_NAMESPACE);

const load = async <S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<S, E, unknown>,
): Promise<{ state: S; revision: number | null }> => {
  let state = decider.initialState;
  let revision: number | null = null;
  for await (const event of store.readStream(stream)) {
    state = decider.evolve(state, event as unknown as E);
    revision = event.revision;
  }
  return { state, revision };
};

/** The events of an append as recorded; once appended, a failure to read them is a {@link RecordedEventsUnread}. */
const readRecorded = async (
  store: EventStore,
  stream: string,
  events: readonly NewEvent[],
  nextExpectedRevision: number,
): Promise<RecordedEvent[]> => {
  const recorded: RecordedEvent[] = [];
  try {
    const fromRevision = nextExpectedRevision - events.length + 1;
    for await (const event of store.readStream(stream, { fromRevision, maxCount: events.length })) {
      recorded.push(event);
    }
  } catch (error) {
    const appended = events.map(({ id, type }) => ({ id, type }));
    throw new RecordedEventsUnread(stream, nextExpectedRevision, appended, error);
  }
  return recorded;
};

/**
 * Loads the stream, folds `evolve`, runs `decide` and appends its events with the expected revision. On a concurrency
 * conflict it starts again, at most 3 times, then rethrows the `ConcurrencyConflict`. `store` is the store as the
 * engine opens it (`openEventStore`): it upcasts what is read and sets the schema version of what is appended.
 */
export const handleCommand = async <S, E extends DomainEvent, R>(
  store: EventStore,
  stream: string,
  decider: Decider<S, E, R>,
  meta: CommandMetadata,
): Promise<CommandOutcome<S, E, R>> => {
  for (let attempt = 0; ; attempt++) {
    const { state, revision } = await load(store, stream, decider);
    const decision = decider.decide(state);
    if (!Array.isArray(decision)) return { outcome: 'refused', refusal: decision as R, state, revision };
    const decided = decision as readonly E[];
    if (decided.length === 0) return { outcome: 'accepted', events: [], state, revision };
    const events = decided.map(({ type, data, causedBy }, index): NewEvent => ({
      id: commandEventId(meta.commandId, index),
      type,
      data,
      metadata: {
        correlationId: meta.correlationId,
        causationId:
          causedBy === undefined ? (meta.causationId ?? meta.commandId) : commandEventId(meta.commandId, causedBy),
        actor: meta.actor,
        recordedAt: meta.now,
      },
    }));
    let nextExpectedRevision: number;
    try {
      ({ nextExpectedRevision } = await store.append(stream, events, { expectedRevision: revision ?? 'no-stream' }));
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt === MAX_RETRIES) throw error;
      continue;
    }
    const recorded = await readRecorded(store, stream, events, nextExpectedRevision);
    // a repeat of an append this command already made: its events are part of the loaded state
    const isRepeat = nextExpectedRevision !== (revision ?? -1) + events.length;
    return {
      outcome: 'accepted',
      events: recorded as (RecordedEvent<E['data']> & { type: E['type'] })[],
      state: isRepeat ? state : decided.reduce((folded, event) => decider.evolve(folded, event), state),
      revision: isRepeat ? revision : nextExpectedRevision,
    };
  }
};
