import { BusinessCalendar, observeWeekendHolidays, quebecStatutoryHolidays } from '@app/calendar';
import type { Instant } from '@app/clock';
import { DateTime } from 'luxon';
import { type CalendarSpec, toMinutes, WEEKDAYS } from './policy-version.schema';

/** A policy version's business calendar, over UTC instants. */
export interface SupportCalendar {
  readonly id: string;
  readonly timeZone: string;
  /** The length of one business day in support minutes (POLICY §3). */
  readonly fullDayMinutes: number;
  addSupportMinutes(from: Instant, minutes: number): Instant;
  supportMinutesBetween(from: Instant, to: Instant): number;
  nextOpening(at: Instant): Instant;
  isOpen(at: Instant): boolean;
  /** For audits: the stretches of support time that `minutes` from `from` consume. */
  explain(from: Instant, minutes: number): readonly SupportInterval[];
  /** For audits: the closure dates (`yyyy-MM-dd`, local) of days the week opens, from `from` to `to` included. */
  holidaysBetween(from: Instant, to: Instant): readonly string[];
  readonly businessCalendar: BusinessCalendar;
}

export interface SupportInterval {
  readonly start: Instant;
  readonly end: Instant;
  readonly minutes: number;
}

const toDateTime = (instant: Instant): DateTime => DateTime.fromISO(instant, { zone: 'utc' });
const toInstant = (dateTime: DateTime): Instant => dateTime.toUTC().toISO() ?? '';

const dayMinutes = (intervals: readonly (readonly [string, string])[]): number =>
  intervals.reduce((sum, [start, end]) => sum + toMinutes(end) - toMinutes(start), 0);

/**
 * POLICY §3: one business day is one full support day. When the days of the week differ, the full day is
 * the longest scheduled day (wall-clock minutes), unless the version states `fullDayMinutes` itself.
 */
export const fullDayMinutesOf = (spec: CalendarSpec): number =>
  spec.fullDayMinutes ?? Math.max(...WEEKDAYS.map((d) => dayMinutes(spec.weekly[d])));

const holidaysOf =
  (spec: CalendarSpec) =>
  (year: number): string[] => {
    const { rules, easter, weekendRule, extraClosures } = spec.holidays;
    const statutory = rules === 'none' ? [] : quebecStatutoryHolidays(year, { easter });
    return [
      ...observeWeekendHolidays(statutory, weekendRule),
      ...extraClosures.filter((date) => date.startsWith(`${year}-`)),
    ];
  };

const closedOpeningDays =
  (spec: CalendarSpec) =>
  (from: Instant, to: Instant): string[] => {
    const [start, end] = [from, to].map((at) => toDateTime(at).setZone(spec.timeZone).toISODate() ?? '');
    if (!start || !end || end < start) return [];
    const years = Array.from(
      { length: Number(end.slice(0, 4)) - Number(start.slice(0, 4)) + 1 },
      (_, i) => Number(start.slice(0, 4)) + i,
    );
    const opens = (date: string): boolean =>
      spec.weekly[WEEKDAYS[DateTime.fromISO(date, { zone: 'utc' }).weekday - 1] as (typeof WEEKDAYS)[number]].length >
      0;
    return [...new Set(years.flatMap(holidaysOf(spec)))]
      .filter((date) => date >= start && date <= end && opens(date))
      .sort();
  };

export const createSupportCalendar = (spec: CalendarSpec): SupportCalendar => {
  const businessCalendar = BusinessCalendar.create({
    timeZone: spec.timeZone,
    weekly: spec.weekly,
    holidays: holidaysOf(spec),
  });
  return {
    id: spec.id,
    timeZone: spec.timeZone,
    fullDayMinutes: fullDayMinutesOf(spec),
    businessCalendar,
    addSupportMinutes: (from, minutes) => toInstant(businessCalendar.addBusinessMinutes(toDateTime(from), minutes)),
    supportMinutesBetween: (from, to) => businessCalendar.businessMinutesBetween(toDateTime(from), toDateTime(to)),
    nextOpening: (at) => toInstant(businessCalendar.nextOpening(toDateTime(at))),
    isOpen: (at) => businessCalendar.isOpen(toDateTime(at)),
    explain: (from, minutes) =>
      businessCalendar.explain(toDateTime(from), minutes).map(({ start, end, minutes: consumed }) => ({
        start: toInstant(start),
        end: toInstant(end),
        minutes: consumed,
      })),
    holidaysBetween: closedOpeningDays(spec),
  };
};
