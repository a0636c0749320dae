import type { Alert, AlertKind, AlertSink } from '@app/alerts';
import type { Clock } from '@app/clock';
import {
  assertNever,
  type SlaAtRisk,
  type SlaAtRiskRetracted,
  type SlaBreached,
  type SlaBreachEscalated,
  type SlaBreachRetracted,
  type SlaEscalationRetracted,
  ticketStream,
} from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';
import type { Reactor } from './reactor-follower';

type AlertEvent =
  SlaAtRisk | SlaBreached | SlaBreachEscalated | SlaAtRiskRetracted | SlaBreachRetracted | SlaEscalationRetracted;

const KIND_OF: Readonly<Record<AlertEvent['type'], AlertKind>> = {
  SlaAtRisk: 'at-risk',
  SlaBreached: 'breach',
  SlaBreachEscalated: 'escalation',
  SlaAtRiskRetracted: 'at-risk-retracted',
  SlaBreachRetracted: 'breach-retracted',
  SlaEscalationRetracted: 'escalation-retracted',
};

const ALERT_EVENT_TYPES = Object.keys(KIND_OF) as AlertEvent['type'][];

/** When the outcome fell due, when it was detected, and the deadline it concerns. */
const timesOf = (event: RecordedEvent & AlertEvent): Pick<Alert, 'deadline' | 'occurredAt' | 'detectedAt'> => {
  const detectedAt = event.metadata.recordedAt;
  switch (event.type) {
    case 'SlaAtRisk':
      return { deadline: event.data.deadline, occurredAt: event.data.atRiskAt, detectedAt };
    case 'SlaBreached':
      return { deadline: event.data.deadline, occurredAt: event.data.breachedAt, detectedAt };
    case 'SlaBreachEscalated':
      return { deadline: event.data.deadline, occurredAt: event.data.escalatedAt, detectedAt };
    case 'SlaAtRiskRetracted':
      return { deadline: event.data.atRiskAt, occurredAt: event.data.atRiskAt, detectedAt };
    case 'SlaBreachRetracted':
      return { deadline: event.data.deadline, occurredAt: event.data.breachedAt, detectedAt };
    case 'SlaEscalationRetracted':
      return { deadline: event.data.escalatedAt, occurredAt: event.data.escalatedAt, detectedAt };
    default:
      return assertNever(event, { deadline: '', occurredAt: '', detectedAt });
  }
};

/**
 * The alert an event raises; its id is the event's, so every delivery of it carries the same idempotency key. It names
 * the ticket in the helpdesk it was opened from, when it was.
 */
export const alertOf = (event: RecordedEvent & AlertEvent, externalRef?: Alert['externalRef']): Alert => ({
  alertId: event.id,
  kind: KIND_OF[event.type],
  ticketId: event.data.ticketId,
  ...(externalRef ? { externalRef } : {}),
  clockId: event.data.clockId,
  ...timesOf(event),
  recipients: event.data.recipients,
});

/** Tickets whose reference is kept: a ticket raises a few alerts close together, and a reference never changes. */
const KEPT_REFS = 1_000;

export interface AlertReactorOptions {
  /** An alert event recorded longer ago than this is not sent: its delivery would have given up by now (default 24 h). */
  readonly staleAfterMs?: number;
  /** Told of the first stale alert event of a run, to say once that past alerts are not sent again. */
  readonly onFirstStale?: (event: RecordedEvent) => void;
}

const DEFAULT_STALE_AFTER_MS = 86_400_000;

/**
 * Turns at-risk, breach and escalation events, and their retractions, into alerts (POLICY §7); the sinks queue and
 * deliver them. An at-risk warning reached once its deadline has passed (the reactor caught up after downtime) is not
 * sent: the breach says it all, and a lead warned at the instant of the breach is a false alarm. Nor is an alert
 * recorded longer ago than its deliveries would be retried: a checkpoint lost or reset replays the log from its start,
 * and the history of past alerts must not reach the on-call channel again.
 */
export class AlertReactor implements Reactor {
  readonly name = 'alerts';
  readonly filter = { eventTypes: ALERT_EVENT_TYPES };

  private readonly refs = new Map<string, Alert['externalRef'] | null>();
  private staleSeen = false;

  constructor(
    private readonly sink: AlertSink,
    private readonly clock: Clock,
    private readonly store: EventStore,
    private readonly options: AlertReactorOptions = {},
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const alertEvent = event as RecordedEvent & AlertEvent;
    const now = Date.parse(this.clock.now());
    if (now - Date.parse(event.metadata.recordedAt) > (this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)) {
      if (!this.staleSeen) this.options.onFirstStale?.(event);
      this.staleSeen = true;
      return;
    }
    if (alertEvent.type === 'SlaAtRisk' && now >= Date.parse(alertEvent.data.deadline)) return;
    await this.sink.publish(alertOf(alertEvent, await this.externalRefOf(alertEvent.data.ticketId)));
  }

  /** From the ticket's opening, the first event of its stream. */
  private async externalRefOf(ticketId: string): Promise<Alert['externalRef']> {
    const kept = this.refs.get(ticketId);
    if (kept !== undefined) return kept ?? undefined;
    let ref: Alert['externalRef'] | null = null;
    for await (const event of this.store.readStream(ticketStream(ticketId), { maxCount: 1 })) {
      const opened = event.type === 'TicketOpened' ? (event.data as { externalRef?: Alert['externalRef'] }) : {};
      ref = opened.externalRef
        ? { source: opened.externalRef.source, externalId: opened.externalRef.externalId }
        : null;
      break;
    }
    if (this.refs.size >= KEPT_REFS) this.refs.delete(this.refs.keys().next().value as string);
    this.refs.set(ticketId, ref);
    return ref ?? undefined;
  }
}
