import type { Clock } from '@app/clock';
import {
  commandFor,
  type CustomerEvent,
  customerStanding,
  customerStream,
  type DomainError,
  evolveCustomer,
  initialCustomerState,
  misalignedAspects,
  NOT_FLAGGED_OR_IN_TRAINING,
  type Standing,
  type StandingCommand,
  STANDING_EVENT_TYPES,
  standingReactionTo,
  standingSince,
  type TicketCommand,
  ticketDecider,
  ticketStream,
} from '@app/domain';
import { type EventStore, handleCommand, type RecordedEvent } from '@app/event-store';
import type { PolicySource } from '@app/policy';
import type { Reactor } from './reactor-follower';

/** The open clocks of a customer, as the read model knows them once it has applied the log up to a position. */
export interface OpenClocksOfCustomer {
  /** Resolves once the model has applied the event at `position`. */
  reached(position: number): Promise<void>;
  ticketIdsOfCustomer(customerId: string): readonly string[];
}

/**
 * Carries a customer's standing to its open tickets (POLICY §4, the rule in `standingReactionTo`): a flag relaxes
 * every open clock of the customer and clearing it ends the relaxation; training pauses them and its completion
 * resumes each with the time it had left. The open tickets come from the open-clocks read model, read once it has
 * applied the event, so that the cost is that of the customer's open clocks, never of the log. Tickets are brought in
 * line with the customer's standing as it is now, read from its stream: replaying a flag that was cleared since changes
 * nothing, and the ticket commands are no-ops on a ticket already in line, so a redelivered event only finishes what a
 * crash interrupted. The ticket events name the customer event as their cause and its actor as theirs.
 */
export class CustomerStandingReactor implements Reactor {
  readonly name = 'customer-standing';
  readonly filter = { eventTypes: STANDING_EVENT_TYPES };

  constructor(
    private readonly store: EventStore,
    private readonly policies: PolicySource,
    private readonly clock: Clock,
    private readonly openClocks: OpenClocksOfCustomer,
    private readonly onRefused: (ticketId: string, refusal: DomainError) => void,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const reaction = standingReactionTo(event);
    if (!reaction) return;
    const { now: standing, before } = await this.standingOf(reaction.customerId, event.position);
    if (reaction.tickets === 'opened') {
      // A change recorded after the opening reaches the ticket as one of the customer's open tickets, as its cause.
      for (const aspect of misalignedAspects(reaction.atOpening, before))
        await this.send(reaction.ticketId, commandFor(aspect, standing), standing, event);
      return;
    }
    await this.openClocks.reached(event.position);
    for (const ticketId of this.openClocks.ticketIdsOfCustomer(reaction.customerId))
      await this.send(ticketId, commandFor(reaction.aspect, standing), standing, event);
  }

  /** The customer's standing now, and as the log held it before `position`, from one read of its stream. */
  private async standingOf(customerId: string, position: number): Promise<{ now: Standing; before: Standing }> {
    let state = initialCustomerState;
    let before: Standing | undefined;
    for await (const event of this.store.readStream(customerStream(customerId))) {
      if (before === undefined && event.position >= position)
        before = customerStanding(state) ?? NOT_FLAGGED_OR_IN_TRAINING;
      state = evolveCustomer(state, event as unknown as CustomerEvent);
    }
    const now = customerStanding(state) ?? NOT_FLAGGED_OR_IN_TRAINING;
    return { now, before: before ?? now };
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
