import { ALERT_ROLES } from '@app/policy';
import { z } from 'zod';

/** A `…-retracted` alert says that late evidence showed the earlier alert of that kind did not happen. */
export const ALERT_KINDS = [
  'at-risk',
  'breach',
  'escalation',
  'at-risk-retracted',
  'breach-retracted',
  'escalation-retracted',
] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

export const alertSchema = z.object({
  /** Deterministic (the id of the event that raised it): receivers dedupe on it. No `:`. */
  alertId: z.string().min(1),
  kind: z.enum(ALERT_KINDS),
  ticketId: z.string().min(1),
  /** The ticket's id in the helpdesk it was opened from; absent for a ticket opened through `POST /tickets`. */
  externalRef: z.object({ source: z.string(), externalId: z.string() }).optional(),
  clockId: z.string().min(1),
  deadline: z.string(),
  /** When the outcome fell due (for a retraction: the instant of the outcome it retracts). */
  occurredAt: z.string(),
  /** When the engine recorded it: later than `occurredAt` after downtime or a late import. */
  detectedAt: z.string().optional(),
  /** The roles the policy version in force names for this kind of alert (POLICY §7): they choose the webhooks. */
  recipients: z.array(z.enum(ALERT_ROLES)).readonly(),
});

/** An at-risk warning, a breach or an escalation of one SLA clock (POLICY §7), as sent to every sink. */
export type Alert = Readonly<z.infer<typeof alertSchema>>;

/** Somewhere alerts go. A rejection means the alert was not taken: the caller retries. */
export interface AlertSink {
  publish(alert: Alert): Promise<void>;
}

/** Publishes each alert to every sink. */
export class AlertDispatcher implements AlertSink {
  constructor(private readonly sinks: readonly AlertSink[]) {}

  async publish(alert: Alert): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.publish(alert)));
  }
}
