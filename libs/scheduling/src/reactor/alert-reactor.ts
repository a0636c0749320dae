import type { Alert, AlertKind, AlertSink } from '@app/alerts';
import { assertNever, type SlaAtRisk, type SlaBreached, type SlaBreachEscalated } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { Reactor } from './reactor-runner';

type AlertEvent = SlaAtRisk | SlaBreached | SlaBreachEscalated;

const KIND_OF: Readonly<Record<AlertEvent['type'], AlertKind>> = {
  SlaAtRisk: 'at-risk',
  SlaBreached: 'breach',
  SlaBreachEscalated: 'escalation',
};

const ALERT_EVENT_TYPES = Object.keys(KIND_OF) as AlertEvent['type'][];

const occurredAt = (event: AlertEvent): string => {
  switch (event.type) {
    case 'SlaAtRisk':
      return event.data.atRiskAt;
    case 'SlaBreached':
      return event.data.breachedAt;
    case 'SlaBreachEscalated':
      return event.data.escalatedAt;
    default:
      return assertNever(event, '');
  }
};

/** The alert an event raises; its id is the event's, so every delivery of it carries the same idempotency key. */
export const alertOf = (event: RecordedEvent & AlertEvent): Alert => ({
  alertId: event.id,
  kind: KIND_OF[event.type],
  ticketId: event.data.ticketId,
  clockId: event.data.clockId,
  deadline: event.data.deadline,
  occurredAt: occurredAt(event),
  recipients: event.data.recipients,
});

/** Turns at-risk, breach and escalation events into alerts (POLICY §7); the sinks queue and deliver them. */
export class AlertReactor implements Reactor {
  readonly name = 'alerts';
  readonly filter = { eventTypes: ALERT_EVENT_TYPES };

  constructor(private readonly sink: AlertSink) {}

  async handle(event: RecordedEvent): Promise<void> {
    await this.sink.publish(alertOf(event as RecordedEvent & AlertEvent));
  }
}
