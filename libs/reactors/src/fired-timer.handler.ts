import type { Clock } from '@app/clock';
import {
  type CommandMetadata,
  type DomainError,
  SlaTimerNotDue,
  type TimerKind,
  type TicketCommand,
  ticketDecider,
  ticketStream,
} from '@app/domain';
import { type EventStore, handleCommand } from '@app/event-store';
import type { PolicySource } from '@app/policy';
import { PermanentJobFailure, type Timer } from '@app/scheduling';

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
