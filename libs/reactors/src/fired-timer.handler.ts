import type { Clock } from '@app/clock';
import {
  type DomainError,
  SlaTimerNotDue,
  type TimerKind,
  type TicketCommand,
  ticketDecider,
  ticketStream,
} from '@app/domain';
import type { CommandMetadata } from '@app/kernel';
import { type EventStore, handleCommand } from '@app/event-store';
import type { PolicySource } from '@app/policy';
import { PermanentJobFailure, type Timer, type TimerAttempt } from '@app/scheduling';

/** The actor of the events a timer causes. */
export const TIMER_ACTOR = { id: 'sla-timers', role: 'system' } as const;

const COMMAND_OF: Readonly<Record<TimerKind, 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach'>> = {
  'at-risk': 'RecordSlaAtRisk',
  breach: 'RecordSlaBreach',
  escalation: 'EscalateSlaBreach',
};

/** The timer fired before the decider accepts it (clock skew, or an escalation before its breach): try again later. */
export class TimerFiredEarly extends Error {
  readonly code = 'timer-fired-early';
  constructor(
    readonly timerId: string,
    readonly refusal: SlaTimerNotDue,
  ) {
    super(`timer ${timerId} fired early: ${refusal.message}`);
  }
}

/** The ticket refused the timer's command for a reason no retry can change (no such ticket, unknown policy). */
export class TimerRefused extends PermanentJobFailure {
  readonly code = 'timer-refused';
  constructor(
    readonly timerId: string,
    readonly refusal: DomainError,
  ) {
    super(`timer ${timerId} refused: ${refusal.code}: ${refusal.message}`);
  }
}

/**
 * What a fired timer does: reloads the ticket and sends it the at-risk, breach or escalation command. The command id
 * is the timer id, so the event id is the same on every delivery of the job; a stale or repeated timer makes the
 * decider return nothing.
 */
export class FiredTimerHandler {
  constructor(
    private readonly store: EventStore,
    private readonly policies: PolicySource,
    private readonly clock: Clock,
  ) {}

  async handle(timer: Timer): Promise<void> {
    const { kind, ticketId, clockId, generation } = timer.payload;
    const meta: CommandMetadata = {
      commandId: timer.id,
      correlationId: timer.id,
      actor: TIMER_ACTOR,
      now: this.clock.now(),
    };
    const command = {
      type: COMMAND_OF[kind],
      data: { ticketId, clockId, timerGeneration: generation },
      metadata: meta,
    } as TicketCommand;
    const result = await handleCommand(
      this.store,
      ticketStream(ticketId),
      ticketDecider(command, { policies: await this.policies.current() }),
      meta,
    );
    if (result.outcome === 'accepted') return;
    if (result.refusal instanceof SlaTimerNotDue) throw new TimerFiredEarly(timer.id, result.refusal);
    throw new TimerRefused(timer.id, result.refusal);
  }
}

/** Whether this failed try of a fired timer is its last: its outcome stays unrecorded unless it fires again. */
export const isGivingUp = (error: unknown, { attempt, maxAttempts }: TimerAttempt): boolean =>
  attempt >= maxAttempts || error instanceof PermanentJobFailure;

/**
 * The line for a fired timer given up on. A timer that kept firing before the decider accepts it is a warning saying
 * what to check; any other failure is an error: an outcome the policy requires is not recorded.
 */
export const timerGivenUpLine = (
  timer: Timer,
  error: unknown,
  attempts: number,
): { readonly level: 'warn' | 'error'; readonly message: string } => {
  if (error instanceof TimerFiredEarly) {
    return {
      level: 'warn',
      message: `timer ${timer.id} fired before its ticket accepts it on each of ${attempts} tries (${error.refusal.message}): its outcome is not recorded; check that this host's clock agrees with the other workers' and the event store's (GET /health reports the breach once overdue)`,
    };
  }
  return {
    level: 'error',
    message: `timer ${timer.id} failed for good after ${attempts} tries: ${error instanceof Error ? error.message : String(error)}; its outcome is not recorded`,
  };
};
