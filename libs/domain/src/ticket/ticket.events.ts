import type { Instant } from '@app/clock';
import type { AlertRole, Channel, Plan, Service } from '@app/policy';
import type { DomainEvent } from '../command';
import type { SlaClockSnapshot } from './sla-clock';

export interface CustomerStandingAtOpening {
  licences: number;
  isPlanEligible: boolean;
  isFlagged: boolean;
  isTrainingRequired: boolean;
}

export type TicketOpened = DomainEvent<
  'TicketOpened',
  {
    ticketId: string;
    customerId: string;
    channel: Channel;
    service?: Service;
    subject: string;
    plan: Plan;
    handlingPriority: 'standard' | 'priority';
    standing: CustomerStandingAtOpening;
    policyVersion: string;
    calendarId: string;
    receivedAt: Instant;
    openedBy: string;
    openedAt: Instant;
    /** The first-response clock: allowance, deadline (UTC), policy version and calendar. */
    sla: SlaClockSnapshot;
  }
>;

interface ResponseFacts {
  ticketId: string;
  responseId: string;
  respondedBy: string;
  respondedAt: Instant;
}
export type TicketResponded = DomainEvent<
  'TicketResponded',
  | (ResponseFacts & {
      isFirstResponse: true;
      /** `not-applicable` when no SLA ran: waived, out of scope, suspended by relaxation. */
      outcome: 'met' | 'missed' | 'not-applicable';
      /** The deadline in force when the response came, when the clock was running. */
      deadline?: Instant;
      /** Support minutes beyond the allowance (0 when met). */
      missedByMinutes: number;
      /** Support minutes between receipt and response on the ticket's calendar, pauses included. */
      businessMinutesTaken: number;
      sla: SlaClockSnapshot;
    })
  | (ResponseFacts & { isFirstResponse: false })
>;

export type TicketCustomerFlaggedExcessive = DomainEvent<
  'TicketCustomerFlaggedExcessive',
  { ticketId: string; customerId: string; reason: string; flaggedBy: string; flaggedAt: Instant }
>;
export type SlaRelaxed = DomainEvent<'SlaRelaxed', { ticketId: string; relaxedAt: Instant; sla: SlaClockSnapshot }>;
export type SlaRelaxationEnded = DomainEvent<
  'SlaRelaxationEnded',
  { ticketId: string; endedAt: Instant; sla: SlaClockSnapshot }
>;
export type SlaClockPausedForTraining = DomainEvent<
  'SlaClockPausedForTraining',
  { ticketId: string; pausedAt: Instant; remainingMinutes: number; sla: SlaClockSnapshot }
>;
export type SlaClockResumed = DomainEvent<
  'SlaClockResumed',
  { ticketId: string; resumedAt: Instant; remainingMinutes: number; sla: SlaClockSnapshot }
>;
export type TicketMarkedOutOfScope = DomainEvent<
  'TicketMarkedOutOfScope',
  {
    ticketId: string;
    category: string;
    note?: string;
    markedBy: string;
    markedAt: Instant;
    /** POLICY §5: the customer is told the case will not be handled under support. */
    isCustomerNotified: true;
    sla: SlaClockSnapshot;
  }
>;
export type ProfessionalServicesOffered = DomainEvent<
  'ProfessionalServicesOffered',
  {
    ticketId: string;
    hourlyRate: number;
    currency: string;
    policyVersion: string;
    offeredBy: string;
    offeredAt: Instant;
    note?: string;
  }
>;
export type ProfessionalServicesBilled = DomainEvent<
  'ProfessionalServicesBilled',
  {
    ticketId: string;
    entryId: string;
    hours: number;
    hourlyRate: number;
    currency: string;
    amount: number;
    policyVersion: string;
    billedBy: string;
    billedAt: Instant;
    note?: string;
  }
>;
export type DeadlineWaived = DomainEvent<
  'DeadlineWaived',
  {
    ticketId: string;
    reason: string;
    waivedBy: string;
    waivedByRole: string;
    waivedAt: Instant;
    previousDeadline?: Instant;
    sla: SlaClockSnapshot;
  }
>;
export type DeadlineExtended = DomainEvent<
  'DeadlineExtended',
  {
    ticketId: string;
    extensionId: string;
    extensionMinutes: number;
    reason: string;
    extendedBy: string;
    extendedByRole: string;
    extendedAt: Instant;
    previousDeadline?: Instant;
    sla: SlaClockSnapshot;
  }
>;

interface AlertFacts {
  ticketId: string;
  clockId: string;
  deadline: Instant;
  allowanceMinutes: number;
  policyVersion: string;
  recipients: AlertRole[];
  timerGeneration: number;
}
export type SlaAtRisk = DomainEvent<'SlaAtRisk', AlertFacts & { atRiskPercent: number; atRiskAt: Instant }>;
export type SlaBreached = DomainEvent<'SlaBreached', AlertFacts & { breachedAt: Instant }>;
export type SlaBreachEscalated = DomainEvent<
  'SlaBreachEscalated',
  AlertFacts & { level: number; escalationDelayBusinessMinutes: number; escalatedAt: Instant }
>;
export type TicketResolved = DomainEvent<
  'TicketResolved',
  { ticketId: string; resolvedBy: string; resolvedAt: Instant; note?: string; sla: SlaClockSnapshot }
>;
export type TicketReplanned = DomainEvent<
  'TicketReplanned',
  {
    ticketId: string;
    previousPolicyVersion: string;
    policyVersion: string;
    previousDeadline?: Instant;
    replannedBy: string;
    replannedAt: Instant;
    sla: SlaClockSnapshot;
  }
>;

export type TicketEvent =
  | TicketOpened
  | TicketResponded
  | TicketCustomerFlaggedExcessive
  | SlaRelaxed
  | SlaRelaxationEnded
  | SlaClockPausedForTraining
  | SlaClockResumed
  | TicketMarkedOutOfScope
  | ProfessionalServicesOffered
  | ProfessionalServicesBilled
  | DeadlineWaived
  | DeadlineExtended
  | SlaAtRisk
  | SlaBreached
  | SlaBreachEscalated
  | TicketResolved
  | TicketReplanned;

export const TICKET_EVENT_TYPES: readonly TicketEvent['type'][] = [
  'TicketOpened',
  'TicketResponded',
  'TicketCustomerFlaggedExcessive',
  'SlaRelaxed',
  'SlaRelaxationEnded',
  'SlaClockPausedForTraining',
  'SlaClockResumed',
  'TicketMarkedOutOfScope',
  'ProfessionalServicesOffered',
  'ProfessionalServicesBilled',
  'DeadlineWaived',
  'DeadlineExtended',
  'SlaAtRisk',
  'SlaBreached',
  'SlaBreachEscalated',
  'TicketResolved',
  'TicketReplanned',
];

/** The events that may move a deadline, each saying why. */
export const DEADLINE_EVENT_TYPES: readonly TicketEvent['type'][] = [
  'TicketOpened',
  'SlaRelaxed',
  'SlaRelaxationEnded',
  'SlaClockPausedForTraining',
  'SlaClockResumed',
  'DeadlineExtended',
  'TicketReplanned',
];
