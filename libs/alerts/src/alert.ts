import { z } from 'zod';

export const ALERT_KINDS = ['at-risk', 'breach', 'escalation'] as const;
export const ALERT_ROLES = ['ops', 'lead', 'manager'] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertRole = (typeof ALERT_ROLES)[number];

export const alertSchema = z.object({
  /** Deterministic (the id of the event that raised it): receivers dedupe on it. No `:`. */
  alertId: z.string().min(1),
  kind: z.enum(ALERT_KINDS),
  ticketId: z.string().min(1),
  clockId: z.string().min(1),
  deadline: z.string(),
  occurredAt: z.string(),
  recipients: z.array(z.string()).readonly().optional(),
});

/** An at-risk warning, a breach or an escalation of one SLA clock (POLICY §7), as sent to every sink. */
export type Alert = Readonly<z.infer<typeof alertSchema>>;

/** Which roles hear of which alert. */
export type AlertRouting = Readonly<Record<AlertKind, readonly AlertRole[]>>;

/** Ops and team leads hear of at-risk and breached clocks; escalations go to ops and the support manager. */
export const DEFAULT_ALERT_ROUTING: AlertRouting = {
  'at-risk': ['ops', 'lead'],
  breach: ['ops', 'lead'],
  escalation: ['ops', 'manager'],
};

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
