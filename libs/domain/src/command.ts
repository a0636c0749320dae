import type { Instant } from '@app/clock';

export interface CommandActor {
  readonly id: string;
  readonly role: string;
}

export interface CommandMetadata {
  readonly now: Instant;
  readonly commandId: string;
  readonly correlationId: string;
  readonly actor: CommandActor;
}

export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

export interface DomainEvent<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  /** Set by a decider: the index, in the same decision, of the event that caused this one. Not stored. */
  readonly causedBy?: number;
}
