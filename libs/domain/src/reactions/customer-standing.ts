import type { Instant } from '@app/clock';
import type { CustomerEvent } from '../customer/customer.events';
import { assertNever } from '../domain-error';
import type { TicketEvent } from '../ticket/ticket.events';

/** The commands that bring a ticket's clock in line with its customer's standing (POLICY §4). */
export type StandingCommand = 'RelaxSla' | 'EndSlaRelaxation' | 'PauseSlaClockForTraining' | 'ResumeSlaClock';

/** The part of a customer's standing that reaches its open tickets (POLICY §4). */
export type StandingAspect = 'flag' | 'training';

/** A customer's standing as its tickets see it. */
export interface Standing {
  readonly isFlagged: boolean;
  readonly isTrainingRequired: boolean;
  readonly flaggedAt?: Instant;
  readonly trainingRequiredAt?: Instant;
}

export const NOT_FLAGGED_OR_IN_TRAINING: Standing = { isFlagged: false, isTrainingRequired: false };

type StandingEvent = Extract<
  CustomerEvent | TicketEvent,
  {
    type:
      | 'CustomerFlaggedForExcessiveRequests'
      | 'CustomerFlagCleared'
      | 'CustomerTrainingRequired'
      | 'CustomerTrainingCompleted'
      | 'TicketOpened';
  }
>;

/** The events that can leave a ticket out of line with its customer's standing. */
export const STANDING_EVENT_TYPES: readonly StandingEvent['type'][] = [
  'CustomerFlaggedForExcessiveRequests',
  'CustomerFlagCleared',
  'CustomerTrainingRequired',
  'CustomerTrainingCompleted',
  'TicketOpened',
];

/**
 * Which tickets an event may leave out of line with their customer's standing: every open ticket of a customer whose
 * flag or training changed, or a ticket opened with a standing its customer no longer had when it was recorded (it
 * read the customer just before the change).
 */
export type StandingReaction =
  | { readonly customerId: string; readonly tickets: 'open'; readonly aspect: StandingAspect }
  | {
      readonly customerId: string;
      readonly tickets: 'opened';
      readonly ticketId: string;
      readonly atOpening: Standing;
    };

export const standingReactionTo = (event: {
  readonly type: string;
  readonly data: unknown;
}): StandingReaction | null => {
  const known = event as StandingEvent;
  switch (known.type) {
    case 'CustomerFlaggedForExcessiveRequests':
    case 'CustomerFlagCleared':
      return { customerId: known.data.customerId, tickets: 'open', aspect: 'flag' };
    case 'CustomerTrainingRequired':
    case 'CustomerTrainingCompleted':
      return { customerId: known.data.customerId, tickets: 'open', aspect: 'training' };
    case 'TicketOpened':
      return {
        customerId: known.data.customerId,
        tickets: 'opened',
        ticketId: known.data.ticketId,
        atOpening: known.data.standing,
      };
    default:
      return null;
  }
};

/** The aspects in which a ticket opened with `atOpening` differs from its customer's standing `now`. */
export const misalignedAspects = (atOpening: Standing, now: Standing): StandingAspect[] => [
  ...(now.isFlagged === atOpening.isFlagged ? [] : ['flag' as const]),
  ...(now.isTrainingRequired === atOpening.isTrainingRequired ? [] : ['training' as const]),
];

/** The command that brings a ticket's clock in line with one aspect of its customer's current standing. */
export const commandFor = (aspect: StandingAspect, standing: Standing): StandingCommand => {
  if (aspect === 'flag') return standing.isFlagged ? 'RelaxSla' : 'EndSlaRelaxation';
  return standing.isTrainingRequired ? 'PauseSlaClockForTraining' : 'ResumeSlaClock';
};

/**
 * When the standing a command carries began: the flag or the training requirement in force, or the clearing or
 * completion that caused it; the ticket counts it from its own receipt when it began before. `undefined`: now.
 */
export const standingSince = (
  command: StandingCommand,
  standing: Standing,
  cause: { readonly type: string; readonly data: unknown },
): Instant | undefined => {
  const data = cause.data as { clearedAt?: Instant; completedAt?: Instant };
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
