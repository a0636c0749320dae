import type { Instant } from '@app/clock';
import { DateTime } from 'luxon';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** A day, ISO week or month of a calendar's zone, with its bounds as UTC instants. */
export interface PeriodSpan {
  /** `2026-11-30`, `2026-W49` or `2026-11`, in the zone. */
  readonly label: string;
  readonly start: Instant;
  readonly end: Instant;
}

const LABELS: Readonly<Record<Period, string>> = { day: 'yyyy-MM-dd', week: "kkkk-'W'WW", month: 'yyyy-MM' };

const toInstant = (dateTime: DateTime): Instant => dateTime.toUTC().toISO() as Instant;

/** The period of `zone` holding `instant`: it starts at local midnight (a Monday for weeks), whatever the offset. */
export const periodOf = (instant: Instant, period: Period, zone: string): PeriodSpan => {
  const unit = period === 'week' ? 'week' : period;
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone);
  const start = local.startOf(unit);
  return { label: start.toFormat(LABELS[period]), start: toInstant(start), end: toInstant(start.plus({ [unit]: 1 })) };
};

/** An instant as read in `zone`, with its offset: `2026-11-30T10:00:00.000-05:00`. */
export const localInstant = (instant: Instant, zone: string): string =>
  DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toISO() as string;
