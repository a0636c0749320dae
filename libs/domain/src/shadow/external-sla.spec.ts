import fc from 'fast-check';
import {
  decideShadow,
  emptyShadow,
  evolveShadow,
  type ExternalSlaEvent,
  type ExternalSlaMetric,
  externalSlaView,
  InvalidCommand,
  readZendeskMetricEvent,
  type RecordExternalSlaMetrics,
  zendeskMetricEventsOf,
} from '@app/domain';
import { metadata, NOW } from '../test-support/commands';
import page from '../test-support/fixtures/zendesk-ticket-metric-events.json';

const aMetric = (o: Partial<ExternalSlaMetric> = {}): ExternalSlaMetric => ({
  source: 'zendesk',
  sourceEventId: '1',
  ticketRef: '155',
  kind: 'activate',
  occurredAt: '2026-11-30T15:00:00.000Z',
  ...o,
});
const record = (metrics: readonly ExternalSlaMetric[]): RecordExternalSlaMetrics => ({
  type: 'RecordExternalSlaMetrics',
  data: { source: 'zendesk', ticketRef: '155', metrics },
  metadata: metadata(),
});
const recorded = (metric: ExternalSlaMetric): ExternalSlaEvent => ({
  type: 'ExternalSlaMetricRecorded',
  data: { source: 'zendesk', ticketRef: '155', metric, recordedAt: NOW },
});
const given = (events: readonly ExternalSlaEvent[]) => ({
  when: (command: RecordExternalSlaMetrics) => ({
    then: (expected: readonly ExternalSlaEvent[]) =>
      expect(decideShadow(command, events.reduce(evolveShadow, emptyShadow))).toEqual(expected),
  }),
});

describe('A ticket shadow, when empty', () => {
  it('records each metric once, in the order given, even when the file repeats one', () =>
    given([])
      .when(record([aMetric(), aMetric({ sourceEventId: '2', kind: 'fulfill' }), aMetric()]))
      .then([recorded(aMetric()), recorded(aMetric({ sourceEventId: '2', kind: 'fulfill' }))]));

  it("records nothing of another ticket's metric", () =>
    given([])
      .when(record([aMetric({ ticketRef: '156' })]))
      .then([]));
});

describe('A ticket shadow, when metrics are recorded', () => {
  it('records only those not recorded before: an import run twice appends nothing', () =>
    given([recorded(aMetric())])
      .when(record([aMetric({ occurredAt: NOW }), aMetric({ sourceEventId: '2' })]))
      .then([recorded(aMetric({ sourceEventId: '2' }))]));

  it('keeps the first version of a metric recorded twice', () =>
    expect(
      [recorded(aMetric()), recorded(aMetric({ kind: 'pause' }))].reduce(evolveShadow, emptyShadow).metrics,
    ).toEqual([aMetric()]));

  it('records every metric of a ticket exactly once, whatever the repeats (property)', () =>
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 40 }), fc.nat(40), (ids, cut) => {
        const metrics = ids.map((id) => aMetric({ sourceEventId: String(id) }));
        const first = decideShadow(record(metrics.slice(0, cut)), emptyShadow);
        const rest = decideShadow(record(metrics.slice(cut)), first.reduce(evolveShadow, emptyShadow));
        const recordedIds = [...first, ...rest].map((event) => event.data.metric.sourceEventId);
        expect(recordedIds).toEqual([...new Set(ids.map(String))]);
      }),
    ));
});

describe("Zendesk's reading of a first reply", () => {
  const applied = aMetric({
    sourceEventId: 'a',
    kind: 'apply_sla',
    occurredAt: '2026-11-30T15:00:00.000Z',
    target: { targetMinutes: 240, isBusinessHours: true },
  });
  const breach = (occurredAt: string, isDeleted = false) =>
    aMetric({ sourceEventId: `b-${occurredAt}`, kind: 'breach', occurredAt, ...(isDeleted ? { isDeleted } : {}) });
  const fulfil = (occurredAt: string) => aMetric({ sourceEventId: `f-${occurredAt}`, kind: 'fulfill', occurredAt });
  const now = '2026-11-30T23:00:00.000Z';

  it.each([
    [
      'met: a reply before the breach time',
      [applied, breach('2026-11-30T19:00:00Z'), fulfil('2026-11-30T18:00:00Z')],
      'met',
    ],
    [
      'met: a reply at the breach time',
      [applied, breach('2026-11-30T19:00:00.000Z'), fulfil('2026-11-30T19:00:00.000Z')],
      'met',
    ],
    [
      'breached: a reply after it',
      [applied, breach('2026-11-30T19:00:00.000Z'), fulfil('2026-11-30T19:30:00.000Z')],
      'breached',
    ],
    ['breached: no reply, breach time passed', [applied, breach('2026-11-30T19:00:00.000Z')], 'breached'],
    ['open: no reply, breach time still ahead', [applied, breach('2026-12-01T19:00:00.000Z')], 'open'],
    [
      'paused: paused after activation',
      [
        applied,
        breach('2026-12-01T19:00:00.000Z'),
        aMetric({ sourceEventId: 'p', kind: 'pause', occurredAt: '2026-11-30T16:00:00.000Z' }),
      ],
      'paused',
    ],
    ['no-sla: activated, never applied', [aMetric()], 'no-sla'],
  ] as const)('%s', (_case, metrics, outcome) => expect(externalSlaView(metrics, now).outcome).toBe(outcome));

  it("takes the last breach event not withdrawn as Zendesk's deadline", () =>
    expect(
      externalSlaView([applied, breach('2026-11-30T19:00:00.000Z'), breach('2026-11-30T20:00:00.000Z', true)], now),
    ).toEqual({
      target: { targetMinutes: 240, isBusinessHours: true },
      appliedAt: '2026-11-30T15:00:00.000Z',
      deadline: '2026-11-30T19:00:00.000Z',
      deadlineFrom: 'breach-event',
      outcome: 'breached',
      fulfilledAt: null,
    }));

  it('derives a calendar-minute target without a breach event, and knows no business-hour one', () => {
    const calendar = aMetric({ ...applied, target: { targetMinutes: 60, isBusinessHours: false } });
    expect(externalSlaView([calendar], now)).toMatchObject({
      deadline: '2026-11-30T16:00:00.000Z',
      deadlineFrom: 'target',
    });
    expect(externalSlaView([applied], now)).toMatchObject({ deadline: null, deadlineFrom: null, outcome: 'open' });
  });
});

describe('A Zendesk ticket metric event export, as documented', () => {
  const events = (zendeskMetricEventsOf(page) ?? []) as Record<string, unknown>[];
  const readings = events.map(readZendeskMetricEvent);

  it('keeps the reply_time events of the first reply, and ignores the other metrics, instances and types', () => {
    expect(readings.map((reading) => (reading.kind === 'ignored' ? reading.reason : reading.kind))).toEqual([
      'metric-not-used',
      'metric-not-used',
      'instance-not-used',
      'metric',
      'metric',
      'metric',
      'metric',
      'type-not-used',
      'instance-not-used',
      'metric-not-used',
    ]);
  });

  it('reads the apply_sla target and policy, the breach instant and the fulfilment', () => {
    const metrics = readings.flatMap((reading) => (reading.kind === 'metric' ? [reading.metric] : []));
    expect(metrics.slice(1, 4)).toEqual([
      {
        source: 'zendesk',
        sourceEventId: '926232927455',
        ticketRef: '155',
        kind: 'apply_sla',
        occurredAt: '2020-10-26T12:53:12.000Z',
        target: { targetMinutes: 60, isBusinessHours: false, policyTitle: 'Tickets with priority' },
      },
      {
        source: 'zendesk',
        sourceEventId: '926232927475',
        ticketRef: '155',
        kind: 'breach',
        occurredAt: '2020-10-26T13:53:12.000Z',
      },
      {
        source: 'zendesk',
        sourceEventId: '926233017495',
        ticketRef: '155',
        kind: 'fulfill',
        occurredAt: '2020-10-26T13:20:40.000Z',
      },
    ]);
    expect(externalSlaView(metrics, '2020-10-27T00:00:00.000Z')).toMatchObject({
      deadline: '2020-10-26T13:53:12.000Z',
      outcome: 'met',
      fulfilledAt: '2020-10-26T13:20:40.000Z',
    });
  });

  it.each([
    ['id', { id: 'x' }],
    ['ticket_id', { ticket_id: -1 }],
    ['type', { type: 'merge' }],
    ['time', { time: 'yesterday' }],
    ['sla', { type: 'apply_sla', sla: undefined }],
    ['sla.target', { type: 'apply_sla', sla: { target: '1h', business_hours: false } }],
    ['deleted', { type: 'breach', deleted: 'yes' }],
  ])('refuses an event naming %s', (field, change) => {
    const reading = readZendeskMetricEvent({ ...events[3], ...change });
    expect(reading.kind).toBe('invalid');
    expect(reading.kind === 'invalid' && reading.problem).toBeInstanceOf(InvalidCommand);
    expect(reading).toMatchObject({ problem: { field } });
  });

  it('reads a withdrawn breach as deleted', () =>
    expect(readZendeskMetricEvent({ ...events[5], deleted: true })).toMatchObject({
      metric: { kind: 'breach', isDeleted: true },
    }));

  it('finds the events of a page, of a list of pages and of a list of events; nothing in anything else', () => {
    expect(zendeskMetricEventsOf([page, page])).toHaveLength(20);
    expect(zendeskMetricEventsOf(page.ticket_metric_events)).toHaveLength(10);
    expect(zendeskMetricEventsOf(events[0])).toHaveLength(1);
    expect(zendeskMetricEventsOf({ tickets: [] })).toBeNull();
    expect(zendeskMetricEventsOf({ ticket_metric_events: 'none' })).toBeNull();
    expect(zendeskMetricEventsOf(42)).toBeNull();
  });
});
