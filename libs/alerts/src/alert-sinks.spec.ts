import { type Alert, AlertDispatcher, type AlertSink, LogAlertSink } from '@app/alerts';

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

describe('LogAlertSink', () => {
  it('writes one warning per alert naming the kind, ticket, clock and deadline', async () => {
    const lines: string[] = [];
    const sink = new LogAlertSink({ warn: (message) => void lines.push(message) });

    await sink.publish(anAlert());

    expect(lines).toEqual([
      'SLA breach: ticket t-1 clock first-response deadline 2026-11-30T19:00:00.000Z (alert evt-1)',
    ]);
  });

  it('names the ticket in the helpdesk it came from', async () => {
    const lines: string[] = [];
    const sink = new LogAlertSink({ warn: (message) => void lines.push(message) });

    await sink.publish(anAlert({ externalRef: { source: 'zendesk', externalId: '35436' } }));

    expect(lines).toEqual([
      'SLA breach: ticket t-1 (zendesk #35436) clock first-response deadline 2026-11-30T19:00:00.000Z (alert evt-1)',
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
    const working: AlertSink = { publish: async () => undefined };
    const failing: AlertSink = { publish: () => Promise.reject(new SinkDown()) };

    await expect(new AlertDispatcher([working, failing]).publish(anAlert())).rejects.toBeInstanceOf(SinkDown);
  });
});
