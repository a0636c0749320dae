import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@app/clock';
import type { CommandMetadata } from '@app/domain';
import { EVENT_STORE, type EventStore, handleCommand, type RecordedEvent } from '@app/event-store';
import type { Caller } from './caller';

interface Decider<S, E extends { readonly type: string; readonly data: unknown }> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  decide(state: S): readonly E[] | Error;
}

export interface Accepted<S> {
  readonly state: S;
  readonly events: readonly RecordedEvent[];
  readonly revision: number | null;
}

/** Runs deciders against the event store for HTTP callers; a refusal is thrown for the problem filter to word. */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The command metadata of a caller's command, stamped now. */
  metadata(caller: Caller): CommandMetadata {
    return {
      now: this.clock.now(),
      commandId: caller.commandId,
      correlationId: caller.correlationId,
      actor: caller.actor,
    };
  }

  async run<S, E extends { readonly type: string; readonly data: unknown }>(
    stream: string,
    decider: Decider<S, E>,
    metadata: CommandMetadata,
  ): Promise<Accepted<S>> {
    const outcome = await handleCommand(this.store, stream, decider, metadata);
    if (outcome.outcome === 'refused') throw outcome.refusal;
    return outcome;
  }

  /** Folds a stream into its state. */
  async load<S, E>(stream: string, initialState: S, evolve: (state: S, event: E) => S): Promise<S> {
    let state = initialState;
    for await (const event of this.store.readStream(stream)) state = evolve(state, event as unknown as E);
    return state;
  }
}
