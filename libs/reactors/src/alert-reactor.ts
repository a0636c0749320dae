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
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
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

/** The alert an event raises; its id is the event's, so every delivery of it carries the same idempotency key. */
export const alertOf = (event: RecordedEvent & AlertEvent): Alert => ({
  alertId: event.id,
  kind: KIND_OF[event.type],
  ticketId: event.data.ticketId,
  clockId: event.data.clockId,
  ...timesOf(event),
  recipients: event.data.recipients,
});

/**
 * Turns at-risk, breach and escalation events, and their retractions, into alerts (POLICY §7); the sinks queue and
 * deliver them. An at-risk warning reached once its deadline has passed (the reactor caught up after downtime) is not
 * sent: the breach says it all, and a lead warned at the instant of the breach is a false alarm.
 */
export class AlertReactor implements Reactor {
  readonly name = 'alerts';
  readonly filter = { eventTypes: ALERT_EVENT_TYPES };

  constructor(
    private readonly sink: AlertSink,
    private readonly clock: Clock,
  ) {}

  async handle(event: RecordedEvent): Promise<void> {
    const alert = alertOf(event as RecordedEvent & AlertEvent);
    if (alert.kind === 'at-risk' && Date.parse(this.clock.now()) >= Date.parse(alert.deadline)) return;
    await this.sink.publish(alert);
  }
}
