import type { Instant } from '@app/clock';
import type { Channel, Service } from '@app/policy';
import type { Command } from '@app/kernel';

type TicketRef = { ticketId: string };
/** A reference in another system: the source's name and the id the source gives the thing. */
export interface ExternalRef {
  readonly source: string;
  readonly externalId: string;
}
/** `occurredAt`: when the fact happened, when it is recorded later; defaults to the command's `now`. */
type Dated = { occurredAt?: Instant };
type TimerRef = { ticketId: string; clockId: string; timerGeneration: number };

/**
 * `isPaidAssistance`: the customer chooses to pay for a request outside the plan's channels (POLICY §5): the ticket
 * opens out of scope instead of being refused.
 */
export type OpenTicket = Command<
  'OpenTicket',
  {
    ticketId: string;
    customerId: string;
    channel: Channel;
    subject: string;
    service?: Service;
    receivedAt?: Instant;
    isPaidAssistance?: boolean;
    /** The ticket in the helpdesk it came from. */
    externalRef?: ExternalRef;
  }
>;
/** `by`: who answered, when not the caller itself; `respondedAt`: when, if not now. */
export type RecordResponse = Command<'RecordResponse', TicketRef & { by?: string; respondedAt?: Instant }>;
export type FlagCustomerFromTicket = Command<'FlagCustomerFromTicket', TicketRef & Dated & { reason: string }>;
export type RelaxSla = Command<'RelaxSla', TicketRef & Dated>;
export type EndSlaRelaxation = Command<'EndSlaRelaxation', TicketRef & Dated>;
export type PauseSlaClockForTraining = Command<'PauseSlaClockForTraining', TicketRef & Dated>;
export type ResumeSlaClock = Command<'ResumeSlaClock', TicketRef & Dated>;
export type MarkTicketOutOfScope = Command<
  'MarkTicketOutOfScope',
  TicketRef & Dated & { category: string; note?: string }
>;
export type OfferProfessionalServices = Command<'OfferProfessionalServices', TicketRef & { note?: string }>;
export type BillProfessionalServices = Command<
  'BillProfessionalServices',
  TicketRef & { hours: number; note?: string }
>;
export type WaiveDeadline = Command<'WaiveDeadline', TicketRef & Dated & { reason: string }>;
export type ExtendDeadline = Command<
  'ExtendDeadline',
  TicketRef & Dated & { extensionMinutes: number; reason: string }
>;
export type RecordSlaAtRisk = Command<'RecordSlaAtRisk', TimerRef>;
export type RecordSlaBreach = Command<'RecordSlaBreach', TimerRef>;
export type EscalateSlaBreach = Command<'EscalateSlaBreach', TimerRef>;
export type ResolveTicket = Command<'ResolveTicket', TicketRef & Dated & { note?: string }>;
export type ReplanTicket = Command<'ReplanTicket', TicketRef>;

export type TicketCommand =
  | OpenTicket
  | RecordResponse
  | FlagCustomerFromTicket
  | RelaxSla
  | EndSlaRelaxation
  | PauseSlaClockForTraining
  | ResumeSlaClock
  | MarkTicketOutOfScope
  | OfferProfessionalServices
  | BillProfessionalServices
  | WaiveDeadline
  | ExtendDeadline
  | RecordSlaAtRisk
  | RecordSlaBreach
  | EscalateSlaBreach
  | ResolveTicket
  | ReplanTicket;
