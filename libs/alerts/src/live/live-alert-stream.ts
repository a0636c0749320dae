import { type Observable, Subject } from 'rxjs';
import type { Alert, AlertSink } from '../alert';

/** In-process publisher of alerts for live dashboards (the SSE endpoint subscribes). Subscribers see only new alerts. */
export class LiveAlertStream implements AlertSink {
  private readonly subject = new Subject<Alert>();

  readonly alerts$: Observable<Alert> = this.subject.asObservable();

  async publish(alert: Alert): Promise<void> {
    this.subject.next(alert);
  }

  close(): void {
    this.subject.complete();
  }
}
