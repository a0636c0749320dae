import { DateTime, IANAZone, Info, type Zone } from 'luxon';
import { BusinessTimeIndex } from './business-time-index';
import { RememberedZone } from './remembered-zone';
import {
  HorizonExceeded,
  InvalidAllowance,
  InvalidDateTime,
  InvalidHorizon,
  MalformedHoliday,
  UnknownTimeZone,
} from './calendar-errors';
import { DAY_MS, MINUTE_MS, civilFromDays, parseIsoDate } from './civil-date';
import { type WeeklySchedule, parseWeeklySchedule } from './weekly-schedule';

/** Local `'YYYY-MM-DD'` dates, or a function giving the dates of a year (called once per year needed). */
export type HolidaySource = readonly string[] | ((year: number) => readonly string[]);

export interface BusinessCalendarOptions {
  /** IANA time zone of the opening hours and holidays, e.g. `America/Toronto`. */
  readonly timeZone: string;
  readonly weekly: WeeklySchedule;
  readonly holidays?: HolidaySource;
  /** How far a request may reach, in years of 365.25 days, before it fails with `HorizonExceeded`. Default 20. */
  readonly horizonYears?: number;
}

/** A stretch of business time consumed by an allowance, in the calendar's zone. */
export interface ConsumedInterval {
  readonly start: DateTime;
  readonly end: DateTime;
  readonly minutes: number;
}

const DEFAULT_HORIZON_YEARS = 20;

const parseHoliday = (holiday: string): number => {
  const day = typeof holiday === 'string' ? parseIsoDate(holiday) : undefined;
  if (day === undefined) throw new MalformedHoliday(String(holiday));
  return day;
};

const holidayLookup = (source: HolidaySource | undefined): ((day: number) => boolean) => {
  if (source === undefined) return () => false;
  if (typeof source !== 'function') {
    const days = new Set(source.map(parseHoliday));
    return (day) => days.has(day);
  }
  const days = new Set<number>();
  const loadedYears = new Set<number>();
  const load = (year: number): void => {
    if (loadedYears.has(year)) return;
    loadedYears.add(year);
    for (const holiday of source(year)) days.add(parseHoliday(holiday));
  };
  return (day) => {
    const { year } = civilFromDays(day);
    // A year's list may hold a date of a neighbouring year (a holiday observed across New Year).
    load(year - 1);
    load(year);
    load(year + 1);
    return days.has(day);
  };
};

const epochMs = (dateTime: DateTime): number => {
  const ms = dateTime.toMillis();
  if (Number.isNaN(ms)) throw new InvalidDateTime(dateTime.invalidReason ?? 'not a valid instant');
  return ms;
};

const allowanceMs = (minutes: number): number => {
  if (!Number.isFinite(minutes) || minutes < 0) throw new InvalidAllowance(minutes);
  return Math.round(minutes * MINUTE_MS);
};

/**
 * Support-time arithmetic on a weekly schedule, holidays and a time zone (POLICY §2 and §3).
 * Business time is real elapsed time inside the wall-clock intervals; intervals are half-open.
 */
export class BusinessCalendar {
  private constructor(
    /** The calendar's time zone; every result is expressed in it. */
    readonly zone: string,
    readonly horizonYears: number,
    private readonly luxonZone: Zone,
    private readonly index: BusinessTimeIndex,
  ) {}

  /** Validates the specification; throws a `CalendarError` subclass naming what is wrong. */
  static create(options: BusinessCalendarOptions): BusinessCalendar {
    const zone = typeof options.timeZone === 'string' ? Info.normalizeZone(options.timeZone) : undefined;
    if (!zone?.isValid) throw new UnknownTimeZone(String(options.timeZone));
    const horizonYears = options.horizonYears ?? DEFAULT_HORIZON_YEARS;
    if (!(horizonYears > 0 && Number.isFinite(horizonYears))) throw new InvalidHorizon(horizonYears);
    const week = parseWeeklySchedule(options.weekly);
    const index = new BusinessTimeIndex(zone, week, holidayLookup(options.holidays));
    const resultZone = zone instanceof IANAZone ? new RememberedZone(zone) : zone;
    return new BusinessCalendar(zone.name, horizonYears, resultZone, index);
  }

  isOpen(at: DateTime): boolean {
    return this.index.isOpen(epochMs(at));
  }

  /** `at` itself when open, else the next opening; in the calendar's zone. */
  nextOpening(at: DateTime): DateTime {
    const from = epochMs(at);
    const opening = this.index.nextOpening(from, this.limitFrom(from));
    if (opening === undefined) throw new HorizonExceeded(this.horizonYears, at.toISO() ?? String(from));
    return this.at(opening);
  }

  /**
   * POLICY §3: the earliest instant at which the business time elapsed since `start` reaches `minutes`;
   * a closing time stays the closing time, and `minutes = 0` gives `start`. Milliseconds are kept.
   */
  addBusinessMinutes(start: DateTime, minutes: number): DateTime {
    const from = epochMs(start);
    const businessMs = allowanceMs(minutes);
    if (businessMs === 0) return start.setZone(this.luxonZone);
    const deadline = this.index.instantAfter(from, businessMs, this.limitFrom(from));
    if (deadline === undefined) throw new HorizonExceeded(this.horizonYears, start.toISO() ?? String(from));
    return this.at(deadline);
  }

  /** Business minutes in `[from, to)`, possibly fractional; 0 when `to <= from`. */
  businessMinutesBetween(from: DateTime, to: DateTime): number {
    const [fromMs, toMs] = [epochMs(from), epochMs(to)];
    if (toMs <= fromMs) return 0;
    if (toMs > this.limitFrom(fromMs)) throw new HorizonExceeded(this.horizonYears, from.toISO() ?? String(fromMs));
    return this.index.businessMsBetween(fromMs, toMs) / MINUTE_MS;
  }

  /** For audits: the stretches of business time that `addBusinessMinutes(start, minutes)` consumes, in order. */
  explain(start: DateTime, minutes: number): readonly ConsumedInterval[] {
    this.addBusinessMinutes(start, minutes); // refuses what reaches past the horizon before the walk
    return this.index.consumedIntervals(epochMs(start), allowanceMs(minutes)).map(([from, to]) => ({
      start: this.at(from),
      end: this.at(to),
      minutes: (to - from) / MINUTE_MS,
    }));
  }

  private limitFrom(instant: number): number {
    return instant + this.horizonYears * 365.25 * DAY_MS;
  }

  private at(instant: number): DateTime {
    return DateTime.fromMillis(instant, { zone: this.luxonZone });
  }
}
