import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type CommandMetadata, InvalidCommand } from '@app/domain';
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

const DATED_FIELDS = ['receivedAt', 'respondedAt', 'occurredAt'] as const;

/** Runs deciders against the event store for HTTP callers; a refusal is thrown for the problem filter to word. */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Refuses a fact dated later than now plus `CLOCK_SKEW_TOLERANCE_MS`, or, unless an admin imports history, earlier
   * than `BACKDATING_LIMIT` ago. The decider refuses what is dated before the ticket's receipt.
   */
  checkDating(data: object, metadata: CommandMetadata): void {
    const now = Date.parse(metadata.now);
    for (const field of DATED_FIELDS) {
      const value = (data as Record<string, unknown>)[field];
      if (typeof value !== 'string') continue;
      const at = Date.parse(value);
      if (at > now + this.config.CLOCK_SKEW_TOLERANCE_MS) {
        throw new InvalidCommand(
          field,
          `must not be later than now (${metadata.now}) by more than the clock skew tolerance`,
        );
      }
      if (metadata.actor.role !== 'admin' && at < now - this.config.BACKDATING_LIMIT) {
        const days = Math.round((this.config.BACKDATING_LIMIT / 86_400_000) * 100) / 100;
        throw new InvalidCommand(
          field,
          `must not be more than ${days} days ago; only an admin may import older history`,
        );
      }
    }
  }

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
