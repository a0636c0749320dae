import type { Clock } from '@app/clock';
import {
  assertNever,
  type CustomerEvent,
  customerStanding,
  customerStream,
  type DomainError,
  evolveCustomer,
  initialCustomerState,
  type TicketCommand,
  ticketDecider,
  type TicketEvent,
  ticketStream,
} from '@app/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@app/event-store';
import type { PolicySource } from '@app/policy';
import type { Reactor } from './reactor-runner';

export type StandingCommand = 'RelaxSla' | 'EndSlaRelaxation' | 'PauseSlaClockForTraining' | 'ResumeSlaClock';

/** The part of a customer's standing that reaches its open tickets (POLICY §4). */
export type StandingAspect = 'flag' | 'training';

interface Standing {
  readonly isFlagged: boolean;
  readonly isTrainingRequired: boolean;
  readonly flaggedAt?: string;
  readonly trainingRequiredAt?: string;
}

/**
 * POLICY §4: when the standing a command carries began: the flag or the training requirement in force, or the
 * clearing or completion that caused it; the ticket counts it from its own receipt when it began before.
 */
const standingSince = (command: StandingCommand, standing: Standing, cause: RecordedEvent): string | undefined => {
  const data = cause.data as { clearedAt?: string; completedAt?: string };
  switch (command) {
    case 'RelaxSla':
      return standing.flaggedAt;
    case 'PauseSlaClockForTraining':
      return standing.trainingRequiredAt;
    case 'EndSlaRelaxation':
      return cause.type === 'CustomerFlagCleared' ? data.clearedAt : undefined;
    case 'ResumeSlaClock':
      return cause.type === 'CustomerTrainingCompleted' ? data.completedAt : undefined;
    default:
      return assertNever(command, undefined);
  }
};

/** Open tickets of a customer to bring in line with the customer's standing. */
export interface StandingFollowUp {
  readonly customerId: string;
  readonly ticketIds: readonly string[];
  readonly aspects: readonly StandingAspect[];
}

/** The command that brings a ticket's clock in line with one aspect of its customer's current standing. */
export const commandFor = (aspect: StandingAspect, standing: Standing): StandingCommand => {
  if (aspect === 'flag') return standing.isFlagged ? 'RelaxSla' : 'EndSlaRelaxation';
  return standing.isTrainingRequired ? 'PauseSlaClockForTraining' : 'ResumeSlaClock';
};

type StandingEvent = Extract<
  CustomerEvent | TicketEvent,
  {
    type:
      | 'CustomerRegistered'
      | 'CustomerFlaggedForExcessiveRequests'
      | 'CustomerFlagCleared'
      | 'CustomerTrainingRequired'
      | 'CustomerTrainingCompleted'
      | 'TicketOpened'
      | 'TicketResolved';
  }
>;

const STANDING_EVENT_TYPES: readonly StandingEvent['type'][] = [
  'CustomerRegistered',
  'CustomerFlaggedForExcessiveRequests',
  'CustomerFlagCleared',
  'CustomerTrainingRequired',
  'CustomerTrainingCompleted',
  'TicketOpened',
  'TicketResolved',
];

const NOT_FLAGGED_OR_IN_TRAINING: Standing = { isFlagged: false, isTrainingRequired: false };

/**
 * The customers' open tickets and standing, folded from the log, and which open tickets each event concerns: every
 * open ticket of a customer whose flag or training changed, and a ticket opened with a standing its customer no
 * longer had when the ticket was recorded (it read the customer just before the change).
 */
export class OpenTicketsByCustomer {
  private readonly standings = new Map<string, Standing>();
  private readonly openTickets = new Map<string, Set<string>>();
  private readonly customerOfTicket = new Map<string, string>();

  apply(event: { readonly type: string; readonly data: unknown }): StandingFollowUp | null {
    const known = event as StandingEvent;
    switch (known.type) {
      case 'CustomerRegistered':
        this.standings.set(known.data.customerId, NOT_FLAGGED_OR_IN_TRAINING);
        return null;
      case 'CustomerFlaggedForExcessiveRequests':
        return this.change(known.data.customerId, { isFlagged: true }, 'flag');
      case 'CustomerFlagCleared':
        return this.change(known.data.customerId, { isFlagged: false }, 'flag');
      case 'CustomerTrainingRequired':
        return this.change(known.data.customerId, { isTrainingRequired: true }, 'training');
      case 'CustomerTrainingCompleted':
        return this.change(known.data.customerId, { isTrainingRequired: false }, 'training');
      case 'TicketOpened':
        return this.open(known.data.ticketId, known.data.customerId, known.data.standing);
      case 'TicketResolved':
        this.close(known.data.ticketId);
        return null;
      default:
        return null;
    }
  }

  private change(customerId: string, change: Partial<Standing>, aspect: StandingAspect): StandingFollowUp {
    this.standings.set(customerId, { ...(this.standings.get(customerId) ?? NOT_FLAGGED_OR_IN_TRAINING), ...change });
    return { customerId, ticketIds: [...(this.openTickets.get(customerId) ?? [])], aspects: [aspect] };
  }

  private open(ticketId: string, customerId: string, atOpening: Standing): StandingFollowUp | null {
    this.customerOfTicket.set(ticketId, customerId);
    this.openTickets.set(customerId, (this.openTickets.get(customerId) ?? new Set<string>()).add(ticketId));
    const standing = this.standings.get(customerId) ?? NOT_FLAGGED_OR_IN_TRAINING;
    const aspects: StandingAspect[] = [
      ...(standing.isFlagged === atOpening.isFlagged ? [] : ['flag' as const]),
      ...(standing.isTrainingRequired === atOpening.isTrainingRequired ? [] : ['training' as const]),
    ];
    return aspects.length > 0 ? { customerId, ticketIds: [ticketId], aspects } : null;
  }

  private close(ticketId: string): void {
    const customerId = this.customerOfTicket.get(ticketId);
    if (customerId === undefined) return;
    this.customerOfTicket.delete(ticketId);
    this.openTickets.get(customerId)?.delete(ticketId);
  }
}

/**
 * Carries a customer's standing to its open tickets (POLICY §4): a flag relaxes every open clock of the customer and
 * clearing it ends the relaxation; training pauses them and its completion resumes each with the time it had left.
 * Tickets are brought in line with the customer's standing as it is now, read from its stream, not as it was at the
 * event: replaying a flag that was cleared since changes nothing, and the ticket commands are no-ops on a ticket
 * already in line, so a redelivered event only finishes what a crash interrupted. The ticket events name the
 * customer event as their cause and its actor as theirs, so an audit shows who flagged or required training.
 */
export class CustomerStandingReactor implements Reactor {
  readonly name = 'customer-standing';
  readonly filter = { eventTypes: STANDING_EVENT_TYPES };
  private openTickets = new OpenTicketsByCustomer();

  constructor(
    private readonly store: EventStore,
    private readonly policies: PolicySource,
    private readonly clock: Clock,
    private readonly onRefused: (ticketId: string, refusal: DomainError) => void,
  ) {}

  /** The open tickets are kept in memory: rebuilt from the log up to the checkpoint before following it. */
  async prepare(after: number | undefined): Promise<void> {
    this.openTickets = new OpenTicketsByCustomer();
    if (after === undefined) return;
    for await (const event of this.store.readAll({ filter: this.filter })) {
      if (event.position > after) break;
      this.openTickets.apply(event);
    }
  }

  async handle(event: RecordedEvent): Promise<void> {
    const followUp = this.openTickets.apply(event);
    if (!followUp || followUp.ticketIds.length === 0) return;
    const standing = await this.standingOf(followUp.customerId);
    for (const ticketId of followUp.ticketIds) {
      for (const aspect of followUp.aspects) await this.send(ticketId, commandFor(aspect, standing), standing, event);
    }
  }

  private async standingOf(customerId: string): Promise<Standing> {
    let state = initialCustomerState;
    for await (const event of this.store.readStream(customerStream(customerId)))
      state = evolveCustomer(state, event as unknown as CustomerEvent);
    return customerStanding(state) ?? NOT_FLAGGED_OR_IN_TRAINING;
  }

  private async send(
    ticketId: string,
    command: StandingCommand,
    standing: Standing,
    cause: RecordedEvent,
  ): Promise<void> {
    const metadata = {
      commandId: `${cause.id}:${ticketId}:${command}`,
      correlationId: cause.metadata.correlationId,
      causationId: cause.id,
      actor: cause.metadata.actor,
      now: this.clock.now(),
    };
    const occurredAt = standingSince(command, standing, cause) ?? metadata.now;
    const ticketCommand = { type: command, data: { ticketId, occurredAt }, metadata } as TicketCommand;
    const result = await handleCommand(
      this.store,
      ticketStream(ticketId),
      ticketDecider(ticketCommand, { policies: await this.policies.current() }),
      metadata,
    );
    if (result.outcome === 'refused') this.onRefused(ticketId, result.refusal);
  }
}
