import {
  IntervalEndsBeforeStart,
  MalformedTime,
  NoBusinessTime,
  OverlappingIntervals,
  UnknownWeekday,
} from './calendar-errors';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** An opening and a closing wall-clock time, `'HH:mm'` in 24-hour time; `'24:00'` closes at midnight. */
export type OpeningHours = readonly [opening: string, closing: string];

/** Opening hours per weekday; a weekday that is missing or has no interval is closed. */
export type WeeklySchedule = Readonly<Partial<Record<Weekday, readonly OpeningHours[]>>>;

/** Minutes since local midnight, `[opening, closing)`. */
export type MinuteInterval = readonly [opening: number, closing: number];

/** Index 0 is unused; 1 = Monday … 7 = Sunday, as ISO weekdays. */
export type ParsedWeek = readonly (readonly MinuteInterval[])[];

const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WALL_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

const parseWallTime = (weekday: string, time: string): number => {
  const match = typeof time === 'string' ? WALL_TIME.exec(time) : null;
  if (!match) throw new MalformedTime(weekday, String(time));
  return match[1] === undefined ? 24 * 60 : Number(match[1]) * 60 + Number(match[2]);
};

const parseDay = (weekday: Weekday, hours: readonly OpeningHours[]): readonly MinuteInterval[] => {
  const parsed = hours.map((interval) => {
    const [opening, closing] = [parseWallTime(weekday, interval[0]), parseWallTime(weekday, interval[1])];
    if (closing <= opening) throw new IntervalEndsBeforeStart(weekday, interval[0], interval[1]);
    return { interval, minutes: [opening, closing] as const };
  });
  const sorted = [...parsed].sort((a, b) => a.minutes[0] - b.minutes[0]);
  sorted.forEach((current, index) => {
    const previous = sorted[index - 1];
    if (previous && current.minutes[0] < previous.minutes[1]) {
      throw new OverlappingIntervals(weekday, previous.interval, current.interval);
    }
  });
  return sorted.map(({ minutes }) => minutes);
};

/** Validates a weekly schedule and parses it once into minutes per ISO weekday. */
export const parseWeeklySchedule = (weekly: WeeklySchedule): ParsedWeek => {
  const unknown = Object.keys(weekly).find((key) => !(WEEKDAYS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new UnknownWeekday(unknown);
  const week = [[], ...WEEKDAYS.map((weekday) => parseDay(weekday, weekly[weekday] ?? []))];
  if (week.every((day) => day.length === 0)) throw new NoBusinessTime();
  return week;
};
