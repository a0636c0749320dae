import type { Instant } from '@app/clock';

/** Who causes an event: an API key's id and its role, or a component of the engine (`system`). */
export interface Actor {
  readonly id: string;
  readonly role: string;
}

/** Who sent a command, when, and the ids that tie its events together. */
export interface CommandMetadata {
  readonly now: Instant;
  readonly commandId: string;
  readonly correlationId: string;
  /** The event that caused the command, when a reactor sends it; its events' causation id, else `commandId`. */
  readonly causationId?: string;
  readonly actor: Actor;
}

export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/** An event as a decider produces it; the store adds its id and metadata. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  /** The index, in the same decision, of the event that caused this one: its id becomes this one's causation id. */
  readonly causedBy?: number;
}

/**
 * An aggregate as `handleCommand` runs it and specs state it: `decide` has the command and its context in its
 * closure and returns the events, `[]` when nothing happens, or a refusal (any value that is not an array).
 */
export interface Decider<S, E, R> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  decide(state: S): readonly E[] | R;
}
