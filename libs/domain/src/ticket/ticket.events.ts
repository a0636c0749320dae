import type { Instant } from '@app/clock';
import type { AlertRole, Channel, Plan, Relaxation, Service } from '@app/policy';
import type { DomainEvent } from '@app/kernel';
import { assertNever } from '../domain-error';
import type { SlaClockSnapshot } from './sla-clock';
import type { ExternalRef } from './ticket.commands';

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
    /** The ticket in the helpdesk it came from; absent for a ticket opened through the engine's own API. */
    externalRef?: ExternalRef;
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
export type SlaRelaxed = DomainEvent<
  'SlaRelaxed',
  {
    ticketId: string;
    relaxedAt: Instant;
    /**
     * The relaxation this fact began. `sla` holds the clock as of now, which has none when the relaxation was recorded
     * late, after its end. Events stored before this field was added lack it; their `sla.relaxation` stands in.
     */
    relaxation?: Relaxation;
    sla: SlaClockSnapshot;
  }
>;
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
/** `detectedAt`: when the engine recorded the outcome, which may be long after it fell due; absent in older events. */
interface Detection {
  detectedAt?: Instant;
}
/** `atRiskAt`: when the clock reached the at-risk share of its allowance. */
export type SlaAtRisk = DomainEvent<'SlaAtRisk', AlertFacts & Detection & { atRiskPercent: number; atRiskAt: Instant }>;
/** `breachedAt`: the deadline, the instant the allowance ran out. */
export type SlaBreached = DomainEvent<'SlaBreached', AlertFacts & Detection & { breachedAt: Instant }>;
/** `escalatedAt`: the escalation delay in support minutes after the deadline. */
export type SlaBreachEscalated = DomainEvent<
  'SlaBreachEscalated',
  AlertFacts & Detection & { level: number; escalationDelayBusinessMinutes: number; escalatedAt: Instant }
>;

/** The fact, recorded late, that shows an outcome did not happen: its type and when it occurred. */
export interface Evidence {
  type: TicketEvent['type'];
  occurredAt: Instant;
}
interface RetractionFacts {
  ticketId: string;
  clockId: string;
  policyVersion: string;
  recipients: AlertRole[];
  evidence: Evidence;
  retractedAt: Instant;
}
export type SlaAtRiskRetracted = DomainEvent<'SlaAtRiskRetracted', RetractionFacts & { atRiskAt: Instant }>;
export type SlaBreachRetracted = DomainEvent<
  'SlaBreachRetracted',
  RetractionFacts & { breachedAt: Instant; deadline: Instant }
>;
export type SlaEscalationRetracted = DomainEvent<'SlaEscalationRetracted', RetractionFacts & { escalatedAt: Instant }>;
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
  | SlaAtRiskRetracted
  | SlaBreachRetracted
  | SlaEscalationRetracted
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
  'SlaAtRiskRetracted',
  'SlaBreachRetracted',
  'SlaEscalationRetracted',
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

/**
 * When the fact an event records occurred: the ticket's receipt, the response, the change, the instant an outcome
 * fell due, or for a retraction when its evidence occurred. Facts arrive late and out of order; this is the axis
 * they are folded on.
 */
export const occurredAt = (event: TicketEvent): Instant => {
  switch (event.type) {
    case 'TicketOpened':
      return event.data.receivedAt;
    case 'TicketResponded':
      return event.data.respondedAt;
    case 'TicketCustomerFlaggedExcessive':
      return event.data.flaggedAt;
    case 'SlaRelaxed':
      return event.data.relaxedAt;
    case 'SlaRelaxationEnded':
      return event.data.endedAt;
    case 'SlaClockPausedForTraining':
      return event.data.pausedAt;
    case 'SlaClockResumed':
      return event.data.resumedAt;
    case 'TicketMarkedOutOfScope':
      return event.data.markedAt;
    case 'ProfessionalServicesOffered':
      return event.data.offeredAt;
    case 'ProfessionalServicesBilled':
      return event.data.billedAt;
    case 'DeadlineWaived':
      return event.data.waivedAt;
    case 'DeadlineExtended':
      return event.data.extendedAt;
    case 'SlaAtRisk':
      return event.data.atRiskAt;
    case 'SlaBreached':
      return event.data.breachedAt;
    case 'SlaBreachEscalated':
      return event.data.escalatedAt;
    case 'SlaAtRiskRetracted':
    case 'SlaBreachRetracted':
    case 'SlaEscalationRetracted':
      return event.data.evidence.occurredAt;
    case 'TicketResolved':
      return event.data.resolvedAt;
    case 'TicketReplanned':
      return event.data.replannedAt;
    default:
      return assertNever(event, '');
  }
};
