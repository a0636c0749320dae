import type { Instant } from '@app/clock';
import type { Command, DomainEvent } from '@app/kernel';
import { assertNever } from '../domain-error';

/** What a source's own SLA reported about a ticket's first reply; the comparison uses no other kind. */
export const EXTERNAL_SLA_EVENT_KINDS = ['apply_sla', 'activate', 'pause', 'fulfill', 'breach'] as const;
export type ExternalSlaEventKind = (typeof EXTERNAL_SLA_EVENT_KINDS)[number];

/** The target the source applied: minutes in its business hours or in calendar time. */
export interface ExternalSlaTarget {
  readonly targetMinutes: number;
  readonly isBusinessHours: boolean;
  readonly policyTitle?: string;
}

/** One metric event of a source's first-reply SLA, as the engine keeps it. */
export interface ExternalSlaMetric {
  readonly source: string;
  /** The source's id of the metric event: recorded at most once per (source, sourceEventId). */
  readonly sourceEventId: string;
  readonly ticketRef: string;
  readonly kind: ExternalSlaEventKind;
  /** When the source says it happened; for a breach, the instant the target runs out (recorded in advance). */
  readonly occurredAt: Instant;
  /** Set on `apply_sla`. */
  readonly target?: ExternalSlaTarget;
  /** Set on a `breach` the source withdrew (its target changed): it no longer counts. */
  readonly isDeleted?: boolean;
}

export type ExternalSlaMetricRecorded = DomainEvent<
  'ExternalSlaMetricRecorded',
  { source: string; ticketRef: string; metric: ExternalSlaMetric; recordedAt: Instant }
>;
export type ExternalSlaEvent = ExternalSlaMetricRecorded;
export const EXTERNAL_SLA_EVENT_TYPES: readonly ExternalSlaEvent['type'][] = ['ExternalSlaMetricRecorded'];

/** Every metric of one ticket of one source; each is recorded once, the repeats change nothing. */
export type RecordExternalSlaMetrics = Command<
  'RecordExternalSlaMetrics',
  { source: string; ticketRef: string; metrics: readonly ExternalSlaMetric[] }
>;

/** A ticket's shadow: what the source's SLA said about it, in the order recorded. */
export interface ExternalSlaShadow {
  readonly metrics: readonly ExternalSlaMetric[];
  readonly sourceEventIds: ReadonlySet<string>;
}
export const emptyShadow: ExternalSlaShadow = { metrics: [], sourceEventIds: new Set() };

export const evolveShadow = (shadow: ExternalSlaShadow, event: ExternalSlaEvent): ExternalSlaShadow => {
  switch (event.type) {
    case 'ExternalSlaMetricRecorded': {
      const { metric } = event.data;
      if (shadow.sourceEventIds.has(metric.sourceEventId)) return shadow;
      return {
        metrics: [...shadow.metrics, metric],
        sourceEventIds: new Set(shadow.sourceEventIds).add(metric.sourceEventId),
      };
    }
    default:
      return assertNever(event.type, shadow);
  }
};

/** Records the metrics of the ticket not recorded before, once each, in the order given. */
export const decideShadow = (
  command: RecordExternalSlaMetrics,
  shadow: ExternalSlaShadow,
): readonly ExternalSlaEvent[] => {
  switch (command.type) {
    case 'RecordExternalSlaMetrics': {
      const { source, ticketRef, metrics } = command.data;
      const seen = new Set(shadow.sourceEventIds);
      return metrics.flatMap((metric): ExternalSlaEvent[] => {
        if (metric.source !== source || metric.ticketRef !== ticketRef || seen.has(metric.sourceEventId)) return [];
        seen.add(metric.sourceEventId);
        return [
          {
            type: 'ExternalSlaMetricRecorded',
            data: { source, ticketRef, metric, recordedAt: command.metadata.now },
          },
        ];
      });
    }
    default:
      return assertNever(command.type, []);
  }
};

export type ExternalSlaOutcome = 'met' | 'breached' | 'open' | 'paused' | 'no-sla';

/** The source's own reading of a ticket's first-reply SLA. */
export interface ExternalSlaView {
  readonly target: ExternalSlaTarget | null;
  readonly appliedAt: Instant | null;
  readonly deadline: Instant | null;
  /** `breach-event`: the time of the source's breach event; `target`: applied at plus calendar minutes. */
  readonly deadlineFrom: 'breach-event' | 'target' | null;
  readonly outcome: ExternalSlaOutcome;
  readonly fulfilledAt: Instant | null;
}

const MINUTE_MS = 60_000;
const byOccurrence = (a: ExternalSlaMetric, b: ExternalSlaMetric): number =>
  Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
const isAtOrBefore = (a: Instant, b: Instant): boolean => Date.parse(a) <= Date.parse(b);

/**
 * The source's deadline and outcome at `now`. The deadline is the time of its last breach event not withdrawn (the
 * source computed it, in its business hours or not); without one, the last `apply_sla` plus its target when the
 * target is in calendar minutes, else unknown. A reply at or before the deadline meets it; a breach event is recorded
 * ahead of time, so it counts only once its time has passed with no earlier reply.
 */
export const externalSlaView = (metrics: readonly ExternalSlaMetric[], now: Instant): ExternalSlaView => {
  const ordered = [...metrics].sort(byOccurrence);
  const applied = ordered.filter((metric) => metric.kind === 'apply_sla' && metric.target).at(-1);
  const breach = ordered.filter((metric) => metric.kind === 'breach' && !metric.isDeleted).at(-1);
  const fulfilledAt = ordered.find((metric) => metric.kind === 'fulfill')?.occurredAt ?? null;
  const target = applied?.target ?? null;
  const derived =
    applied && target && !target.isBusinessHours
      ? new Date(Date.parse(applied.occurredAt) + target.targetMinutes * MINUTE_MS).toISOString()
      : null;
  const deadline = breach?.occurredAt ?? derived;
  const lastPauseOrActivation = ordered
    .filter((metric) => metric.kind === 'pause' || metric.kind === 'activate')
    .at(-1);
  const outcome = ((): ExternalSlaOutcome => {
    if (!applied && !breach) return 'no-sla';
    if (fulfilledAt !== null) return deadline === null || isAtOrBefore(fulfilledAt, deadline) ? 'met' : 'breached';
    if (lastPauseOrActivation?.kind === 'pause') return 'paused';
    return deadline !== null && isAtOrBefore(deadline, now) ? 'breached' : 'open';
  })();
  return {
    target,
    appliedAt: applied?.occurredAt ?? null,
    deadline,
    deadlineFrom: breach ? 'breach-event' : derived ? 'target' : null,
    outcome,
    fulfilledAt,
  };
};
