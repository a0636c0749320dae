import type { Instant } from '@app/clock';
import type { DomainError } from './domain-error';

export interface CommandActor {
  readonly id: string;
  readonly role: string;
}

export interface CommandMetadata {
  readonly now: Instant;
  readonly commandId: string;
  readonly correlationId: string;
  /** The event that caused the command, when a reactor sends it; its events' causation id, else `commandId`. */
  readonly causationId?: string;
  readonly actor: CommandActor;
}

export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/**
 * An aggregate as `handleCommand` runs it and specs state it: `decide` has the command and its context in its
 * closure and returns the events, `[]` when nothing happens, or a refusal.
 */
export interface Decider<S, E, R = DomainError> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  decide(state: S): readonly E[] | R;
}

export interface DomainEvent<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  /** Set by a decider: the index, in the same decision, of the event that caused this one. Not stored. */
  readonly causedBy?: number;
}
