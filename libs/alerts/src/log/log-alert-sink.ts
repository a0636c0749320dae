import type { Alert, AlertSink } from '../alert';

/** The part of Nest's `LoggerService` (or pino) that the log sink uses. */
export interface AlertLogger {
  warn(message: string, context?: string): void;
}

/** Writes each alert as one warning line, so that alerts show in the logs even with no webhook configured. */
export class LogAlertSink implements AlertSink {
  constructor(private readonly logger: AlertLogger) {}

  async publish(alert: Alert): Promise<void> {
    this.logger.warn(
      `SLA ${alert.kind}: ticket ${alert.ticketId}${alert.externalRef ? ` (${alert.externalRef.source} #${alert.externalRef.externalId})` : ''} clock ${alert.clockId} deadline ${alert.deadline} (alert ${alert.alertId})`,
      'Alerts',
    );
  }
}
