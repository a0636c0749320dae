import { DateTime } from 'luxon';
import type { Instant } from '@app/clock';
import { type TicketState, TicketNotFound } from '@app/domain';
import type { PolicyBook } from '@app/policy';

/** A ticket as the API shows it: the first-response deadline in UTC and in the calendar's own time. */
export interface TicketView {
  readonly id: string;
  readonly customerId: string;
  readonly status: 'Open' | 'OutOfScope' | 'Resolved';
  readonly channel: string;
  readonly service?: string;
  readonly subject: string;
  readonly plan: string;
  readonly handlingPriority: string;
  readonly receivedAt: Instant;
  /** The ticket in the helpdesk it came from, `null` when opened through this API. */
  readonly externalRef: { readonly source: string; readonly externalId: string } | null;
  readonly policyVersion: string;
  readonly calendarId: string;
  readonly timeZone: string | null;
  /** Set while the first-response clock runs. */
  readonly firstResponseDueAt: Instant | null;
  readonly firstResponseDueLocal: string | null;
  readonly allowanceMinutes: number;
  readonly sla: {
    readonly status: 'Running' | 'Paused' | 'Stopped';
    readonly stoppedBecause: string | null;
    readonly baseAllowanceMinutes: number;
    readonly extensionMinutes: number;
    readonly elapsedMinutes: number;
    readonly asOf: Instant;
    readonly relaxation: unknown;
    readonly isPausedForTraining: boolean;
    readonly atRiskAt: Instant | null;
    readonly breachedAt: Instant | null;
    readonly escalatedAt: Instant | null;
  };
  readonly firstResponseAt: Instant | null;
  readonly outOfScope: { readonly category: string; readonly markedAt: Instant } | null;
  readonly isProfessionalServicesOffered: boolean;
  readonly resolvedAt: Instant | null;
}

export const ticketView = (state: TicketState, ticketId: string, book: PolicyBook): TicketView => {
  if (state.status === 'NotOpened') throw new TicketNotFound(ticketId);
  const { clock } = state;
  const timeZone = book.byVersion(clock.policyVersion)?.calendar.timeZone ?? null;
  const deadline = clock.status === 'Running' ? clock.deadline : null;
  return {
    id: state.ticketId,
    customerId: state.customerId,
    status: state.status,
    channel: state.channel,
    ...(state.service === undefined ? {} : { service: state.service }),
    subject: state.subject,
    plan: state.plan,
    handlingPriority: state.handlingPriority,
    receivedAt: state.receivedAt,
    externalRef: state.externalRef,
    policyVersion: clock.policyVersion,
    calendarId: clock.calendarId,
    timeZone,
    firstResponseDueAt: deadline,
    firstResponseDueLocal:
      deadline && timeZone ? DateTime.fromISO(deadline, { zone: 'utc' }).setZone(timeZone).toISO() : null,
    allowanceMinutes: clock.allowanceMinutes,
    sla: {
      status: clock.status,
      stoppedBecause: clock.status === 'Stopped' ? clock.stoppedBecause : null,
      baseAllowanceMinutes: clock.baseAllowanceMinutes,
      extensionMinutes: clock.extensionMinutes,
      elapsedMinutes: clock.elapsedMinutes,
      asOf: clock.asOf,
      relaxation: clock.relaxation ?? null,
      isPausedForTraining: clock.isPausedForTraining,
      atRiskAt: clock.atRiskAt,
      breachedAt: clock.breach?.breachedAt ?? null,
      escalatedAt: clock.escalatedAt,
    },
    firstResponseAt: state.firstResponseAt,
    outOfScope: state.outOfScope,
    isProfessionalServicesOffered: state.isProfessionalServicesOffered,
    resolvedAt: state.status === 'Resolved' ? state.resolvedAt : null,
  };
};
