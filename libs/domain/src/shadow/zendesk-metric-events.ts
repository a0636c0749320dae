import { InvalidCommand } from '../domain-error';
import { checkInstant, firstProblem } from '../validation';
import { EXTERNAL_SLA_EVENT_KINDS, type ExternalSlaEventKind, type ExternalSlaMetric } from './external-sla';

export const ZENDESK_METRIC_SOURCE = 'zendesk';

/** Every `type` Zendesk documents for a ticket metric event. */
const ZENDESK_METRIC_EVENT_TYPES = [
  ...EXTERNAL_SLA_EVENT_KINDS,
  'apply_group_sla',
  'update_status',
  'measure',
] as const;

export type ZendeskMetricIgnored = 'metric-not-used' | 'instance-not-used' | 'type-not-used';

export type ZendeskMetricReading =
  | { readonly kind: 'metric'; readonly metric: ExternalSlaMetric }
  | { readonly kind: 'ignored'; readonly reason: ZendeskMetricIgnored }
  | { readonly kind: 'invalid'; readonly problem: InvalidCommand };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const checkId = (field: string, value: unknown): InvalidCommand | null =>
  (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) ||
  (typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value))
    ? null
    : new InvalidCommand(field, 'must be a positive whole number');

const checkTarget = (sla: unknown): InvalidCommand | null => {
  if (!isRecord(sla)) return new InvalidCommand('sla', 'must be an object on an apply_sla event');
  if (typeof sla.target !== 'number' || !Number.isFinite(sla.target) || sla.target < 0) {
    return new InvalidCommand('sla.target', 'must be a number of minutes, 0 or more');
  }
  if (typeof sla.business_hours !== 'boolean') return new InvalidCommand('sla.business_hours', 'must be a boolean');
  return null;
};

/**
 * One entry of `ticket_metric_events` (`GET /api/v2/incremental/ticket_metric_events.json`), read as the engine's
 * shadow of the first reply: only the `reply_time` metric of instance 1 (the first reply; later instances are the
 * next replies), and only the kinds that shape its deadline and outcome.
 */
export const readZendeskMetricEvent = (value: unknown): ZendeskMetricReading => {
  if (!isRecord(value)) return { kind: 'invalid', problem: new InvalidCommand('event', 'must be an object') };
  const problem = firstProblem(
    checkId('id', value.id),
    checkId('ticket_id', value.ticket_id),
    typeof value.metric === 'string' ? null : new InvalidCommand('metric', 'must be a text'),
    (ZENDESK_METRIC_EVENT_TYPES as readonly unknown[]).includes(value.type)
      ? null
      : new InvalidCommand('type', `must be one of ${ZENDESK_METRIC_EVENT_TYPES.join(', ')}`),
    checkInstant('time', value.time),
    Number.isSafeInteger(value.instance_id) ? null : new InvalidCommand('instance_id', 'must be a whole number'),
  );
  if (problem) return { kind: 'invalid', problem };
  if (value.metric !== 'reply_time') return { kind: 'ignored', reason: 'metric-not-used' };
  if (value.instance_id !== 1) return { kind: 'ignored', reason: 'instance-not-used' };
  if (!(EXTERNAL_SLA_EVENT_KINDS as readonly unknown[]).includes(value.type)) {
    return { kind: 'ignored', reason: 'type-not-used' };
  }
  const kind = value.type as ExternalSlaEventKind;
  if (kind === 'apply_sla') {
    const targetProblem = checkTarget(value.sla);
    if (targetProblem) return { kind: 'invalid', problem: targetProblem };
  }
  if (value.deleted !== undefined && typeof value.deleted !== 'boolean') {
    return { kind: 'invalid', problem: new InvalidCommand('deleted', 'must be a boolean') };
  }
  const sla = value.sla as { target: number; business_hours: boolean; policy?: unknown } | undefined;
  const policy = isRecord(sla?.policy) && typeof sla.policy.title === 'string' ? sla.policy.title : undefined;
  return {
    kind: 'metric',
    metric: {
      source: ZENDESK_METRIC_SOURCE,
      sourceEventId: String(value.id),
      ticketRef: String(value.ticket_id),
      kind,
      occurredAt: new Date(value.time as string).toISOString(),
      ...(kind === 'apply_sla' && sla
        ? {
            target: {
              targetMinutes: sla.target,
              isBusinessHours: sla.business_hours,
              ...(policy === undefined ? {} : { policyTitle: policy }),
            },
          }
        : {}),
      ...(kind === 'breach' && value.deleted === true ? { isDeleted: true } : {}),
    },
  };
};

/**
 * The metric events of an export file: a page (`{ ticket_metric_events: [...] }`), a list of events or of pages, or
 * one event; `null` when the value is none of them.
 */
export const zendeskMetricEventsOf = (value: unknown): readonly unknown[] | null => {
  if (Array.isArray(value)) {
    const pages = value.map((entry) => (isRecord(entry) && 'ticket_metric_events' in entry ? entry : null));
    if (value.length > 0 && pages.every((page) => page !== null)) {
      const events = pages.map((page) => zendeskMetricEventsOf(page));
      return events.every((list) => list !== null) ? events.flat() : null;
    }
    return value;
  }
  if (!isRecord(value)) return null;
  if ('ticket_metric_events' in value) {
    return Array.isArray(value.ticket_metric_events) ? value.ticket_metric_events : null;
  }
  return 'metric' in value ? [value] : null;
};
