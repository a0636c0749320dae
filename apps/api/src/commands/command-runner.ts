import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type DomainError, InvalidCommand } from '@app/domain';
import {
  EVENT_STORE,
  type EventStore,
  handleCommand,
  type RecordedEvent,
  RecordedEventsUnread,
} from '@app/event-store';
import type { CommandMetadata, Decider, DomainEvent } from '@app/kernel';
import { ProblemException } from '../http/problem';
import type { Caller } from './caller';

export interface Accepted<S> {
  readonly state: S;
  readonly events: readonly RecordedEvent[];
  readonly revision: number | null;
}

/** The record a command changes: named in the answer when the command is recorded but its answer cannot be given. */
export type Subject =
  { readonly ticketId: string } | { readonly customerId: string } | { readonly policyVersion: string };

const DATED_FIELDS = ['receivedAt', 'respondedAt', 'occurredAt'] as const;

/** Long enough for a store that stopped answering to come back, short enough for a person waiting. */
const RECORDED_RETRY_AFTER_SECONDS = 5;

const kindAndId = (subject: Subject): readonly [string, string] =>
  'ticketId' in subject
    ? ['ticket', subject.ticketId]
    : 'customerId' in subject
      ? ['customer', subject.customerId]
      : ['policy version', subject.policyVersion];

const listed = (events: readonly { readonly id: string; readonly type: string }[]): string =>
  events.length === 0 ? 'nothing new (already recorded)' : events.map(({ id, type }) => `${type} ${id}`).join(', ');

/** Runs deciders against the event store for HTTP callers; a refusal is thrown for the problem filter to word. */
@Injectable()
export class CommandRunner {
  private readonly logger = new Logger('Commands');

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

  /**
   * Runs the command on `stream`; a refusal is thrown. When its events are appended but cannot be read back, the
   * caller gets the 503 of {@link answer}.
   */
  async run<S, E extends DomainEvent>(
    subject: Subject,
    stream: string,
    decider: Decider<S, E, DomainError>,
    metadata: CommandMetadata,
  ): Promise<Accepted<S>> {
    let outcome;
    try {
      outcome = await handleCommand(this.store, stream, decider, metadata);
    } catch (error) {
      if (error instanceof RecordedEventsUnread) throw this.answerUnavailable(subject, error.events, error.failure);
      throw error;
    }
    if (outcome.outcome === 'refused') throw outcome.refusal;
    return outcome;
  }

  /**
   * Builds the answer to a command whose events are recorded. If that fails, the caller must not send the command
   * again as new (without its Idempotency-Key it would be recorded twice): the answer is `503
   * recorded-answer-unavailable` naming the subject, with `Retry-After`, and a warning says what was recorded.
   */
  async answer<A>(subject: Subject, accepted: Accepted<unknown>, build: () => A | Promise<A>): Promise<A> {
    try {
      return await build();
    } catch (error) {
      throw this.answerUnavailable(subject, accepted.events, error);
    }
  }

  private answerUnavailable(
    subject: Subject,
    recorded: readonly { readonly id: string; readonly type: string }[],
    failure: unknown,
  ): ProblemException {
    const [kind, id] = kindAndId(subject);
    this.logger.warn(
      `${kind} ${id}: recorded ${listed(recorded)}; building the answer failed, so the caller is told it is ` +
        `recorded: ${String(failure)}`,
    );
    return ProblemException.of(
      503,
      'recorded-answer-unavailable',
      `Recorded, answer unavailable: the command is in the log but its answer could not be built. Read the ${kind}, ` +
        'or repeat the request with the same Idempotency-Key; do not send it again without one.',
      subject,
      { 'Retry-After': String(RECORDED_RETRY_AFTER_SECONDS) },
    );
  }

  /** Folds a stream into its state. */
  async load<S, E>(stream: string, initialState: S, evolve: (state: S, event: E) => S): Promise<S> {
    let state = initialState;
    for await (const event of this.store.readStream(stream)) state = evolve(state, event as unknown as E);
    return state;
  }
}
