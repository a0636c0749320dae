import { DateTime } from 'luxon';
import { HorizonExceeded, type WeeklySchedule } from '@app/calendar';

/**
 * A slow, obviously-correct business calendar for property tests: it walks the calendar day by day and
 * interval by interval, with luxon doing every date and zone computation.
 */
export interface ReferenceSpecification {
  readonly timeZone: string;
  readonly weekly: WeeklySchedule;
  readonly holidays: readonly string[];
  readonly horizonYears: number;
}

type Interval = readonly [start: number, end: number];

const MINUTE_MS = 60_000;
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export class ReferenceCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly daysSeen = new Map<string, readonly Interval[]>();

  constructor(private readonly specification: ReferenceSpecification) {
    this.holidays = new Set(specification.holidays);
  }

  isOpen(at: DateTime): boolean {
    const instant = at.toMillis();
    return this.intervalsFrom(this.localDate(instant).minus({ days: 1 }), 3).some(
      ([start, end]) => start <= instant && instant < end,
    );
  }

  nextOpening(at: DateTime): DateTime {
    const instant = at.toMillis();
    for (const [start, end] of this.walkFrom(instant)) {
      if (end > instant && Math.max(start, instant) <= this.limitFrom(instant)) {
        return this.inZone(Math.max(start, instant));
      }
    }
    throw new HorizonExceeded(this.specification.horizonYears, String(instant));
  }

  addBusinessMinutes(start: DateTime, minutes: number): DateTime {
    if (minutes === 0) return start.setZone(this.specification.timeZone);
    const pieces = this.consumed(start.toMillis(), Math.round(minutes * MINUTE_MS));
    return this.inZone(pieces[pieces.length - 1]![1]);
  }

  businessMinutesBetween(from: DateTime, to: DateTime): number {
    const [fromMs, toMs] = [from.toMillis(), to.toMillis()];
    if (toMs <= fromMs) return 0;
    if (toMs > this.limitFrom(fromMs)) throw new HorizonExceeded(this.specification.horizonYears, String(fromMs));
    let businessMs = 0;
    for (const [start, end] of this.walkFrom(fromMs)) {
      if (start >= toMs) break;
      businessMs += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs));
    }
    return businessMs / MINUTE_MS;
  }

  explain(start: DateTime, minutes: number): readonly Interval[] {
    return this.consumed(start.toMillis(), Math.round(minutes * MINUTE_MS));
  }

  private consumed(startMs: number, businessMs: number): readonly Interval[] {
    const pieces: [number, number][] = [];
    let remaining = businessMs;
    for (const [start, end] of this.walkFrom(startMs)) {
      if (remaining === 0) break;
      if (end <= startMs) continue;
      const from = Math.max(start, startMs);
      const to = Math.min(end, from + remaining);
      remaining -= to - from;
      const last = pieces[pieces.length - 1];
      if (last && last[1] === from) last[1] = to;
      else pieces.push([from, to]);
    }
    if (remaining > 0 || (pieces[pieces.length - 1]?.[1] ?? startMs) > this.limitFrom(startMs)) {
      throw new HorizonExceeded(this.specification.horizonYears, String(startMs));
    }
    return pieces;
  }

  /** Every business interval from the day before `instant`'s local date on, until the horizon. */
  private *walkFrom(instant: number): Generator<Interval> {
    const limit = this.limitFrom(instant);
    for (let date = this.localDate(instant).minus({ days: 1 }); ; date = date.plus({ days: 1 })) {
      const intervals = this.dayIntervals(date);
      if (this.wallTimeInstant(date, 0) > limit) return;
      yield* intervals;
    }
  }

  private intervalsFrom(date: DateTime, days: number): Interval[] {
    return Array.from({ length: days }, (_, index) => this.dayIntervals(date.plus({ days: index }))).flat();
  }

  /** The day's opening hours as instants, clipped to the day, without the holidays, overlaps merged. */
  private dayIntervals(date: DateTime): readonly Interval[] {
    const key = date.toISODate()!;
    const known = this.daysSeen.get(key);
    if (known) return known;
    const hours = this.holidays.has(key) ? [] : (this.specification.weekly[WEEKDAY_KEYS[date.weekday - 1]!] ?? []);
    const [dayStart, dayEnd] = [this.wallTimeInstant(date, 0), this.wallTimeInstant(date.plus({ days: 1 }), 0)];
    const clipped = hours
      .map(([opening, closing]): Interval => [
        Math.max(dayStart, this.wallTimeInstant(date, minutesOf(opening))),
        Math.min(dayEnd, this.wallTimeInstant(date, minutesOf(closing))),
      ])
      .filter(([start, end]) => start < end)
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [start, end] of clipped) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    this.daysSeen.set(key, merged);
    return merged;
  }

  /** The first instant showing that wall-clock time; a skipped time is moved forward by the gap (luxon's rule). */
  private wallTimeInstant(date: DateTime, minuteOfDay: number): number {
    const wall = date.plus({ minutes: minuteOfDay });
    const zone = this.specification.timeZone;
    const moved = DateTime.fromObject(
      { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute },
      { zone },
    );
    const showsWall = (instant: number): boolean =>
      DateTime.fromMillis(instant, { zone }).toFormat('yyyy-MM-dd HH:mm:ss.SSS') ===
      wall.toFormat('yyyy-MM-dd HH:mm:ss.SSS');
    const offsetsAround = [-1, 0, 1].map((days) => moved.plus({ days }).offset);
    const occurrences = offsetsAround.map((offset) => wall.toMillis() - offset * MINUTE_MS).filter(showsWall);
    return occurrences.length > 0 ? Math.min(...occurrences) : moved.toMillis();
  }

  private localDate(instant: number): DateTime {
    const local = DateTime.fromMillis(instant, { zone: this.specification.timeZone });
    return DateTime.utc(local.year, local.month, local.day);
  }

  private limitFrom(instant: number): number {
    return instant + this.specification.horizonYears * 365.25 * 86_400_000;
  }

  private inZone(instant: number): DateTime {
    return DateTime.fromMillis(instant, { zone: this.specification.timeZone });
  }
}

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
