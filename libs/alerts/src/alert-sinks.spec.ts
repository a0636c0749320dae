import { firstValueFrom, take, toArray } from 'rxjs';
import { type Alert, AlertDispatcher, type AlertSink, LiveAlertStream, LogAlertSink } from '@app/alerts';

const anAlert = (overrides: Partial<Alert> = {}): Alert => ({
  alertId: 'evt-1',
  kind: 'breach',
  ticketId: 't-1',
  clockId: 'first-response',
  deadline: '2026-11-30T19:00:00.000Z',
  occurredAt: '2026-11-30T19:00:00.120Z',
  recipients: ['ops', 'lead'],
  ...overrides,
});

describe('LiveAlertStream', () => {
  it('passes each published alert to the current subscribers', async () => {
    const stream = new LiveAlertStream();
    const received = firstValueFrom(stream.alerts$.pipe(take(2), toArray()));
    const first = anAlert({ alertId: 'evt-1' });
    const second = anAlert({ alertId: 'evt-2', kind: 'escalation' });

    await stream.publish(first);
    await stream.publish(second);

    expect(await received).toEqual([first, second]);
  });
});

describe('LogAlertSink', () => {
  it('writes one warning per alert naming the kind, ticket, clock and deadline', async () => {
    const lines: string[] = [];
    const sink = new LogAlertSink({ warn: (message) => void lines.push(message) });

    await sink.publish(anAlert());

    expect(lines).toEqual([
      'SLA breach: ticket t-1 clock first-response deadline 2026-11-30T19:00:00.000Z (alert evt-1)',
    ]);
  });
});

describe('AlertDispatcher', () => {
  it('publishes to every sink', async () => {
    const seen: string[] = [];
    const sink = (name: string): AlertSink => ({
      publish: async (alert) => void seen.push(`${name}:${alert.alertId}`),
    });

    await new AlertDispatcher([sink('a'), sink('b')]).publish(anAlert());

    expect(seen.sort()).toEqual(['a:evt-1', 'b:evt-1']);
  });

  it('rejects when a sink rejects, so that the caller retries', async () => {
    class SinkDown extends Error {}
    const failing: AlertSink = { publish: () => Promise.reject(new SinkDown()) };

    await expect(new AlertDispatcher([new LiveAlertStream(), failing]).publish(anAlert())).rejects.toBeInstanceOf(
      SinkDown,
    );
  });
});
