import { InvalidYear, MalformedHoliday } from '../calendar-errors';
import { daysFromCivil, formatIsoDate, isoWeekday, parseIsoDate } from '../civil-date';
import { type WeekendHolidayRule, observeWeekendHolidayDays } from './weekend-holidays';

export type EasterHolidays = 'good-friday' | 'easter-monday' | 'both';

export interface QuebecHolidayOptions {
  /** POLICY §2: the employer's choice around Easter; `good-friday` by default. */
  readonly easter?: EasterHolidays;
  /** POLICY §2: where a holiday on a weekend is observed; `none` by default. */
  readonly weekend?: WeekendHolidayRule;
}

/** Easter Sunday in the Gregorian calendar (the anonymous Meeus/Jones/Butcher algorithm). */
const easterSunday = (year: number): number => {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(year, month, day);
};

const MONDAY = 1;
const SUNDAY = 7;

const firstMondayFrom = (day: number): number => day + ((MONDAY - isoWeekday(day) + 7) % 7);
const mondayBefore = (day: number): number => firstMondayFrom(day - 7);
const unlessSunday = (day: number): number => (isoWeekday(day) === SUNDAY ? day + 1 : day);

const easterHolidays = (year: number, easter: EasterHolidays): number[] => {
  const sunday = easterSunday(year);
  if (easter === 'good-friday') return [sunday - 2];
  if (easter === 'easter-monday') return [sunday + 1];
  return [sunday - 2, sunday + 1];
};

/**
 * The statutory holidays in force in Quebec for a year (POLICY §2), as sorted `'YYYY-MM-DD'` dates:
 * New Year's Day, Good Friday (or Easter Monday, or both), National Patriots' Day (the Monday before
 * 25 May), Fête nationale (24 June, 25 when 24 is a Sunday), Canada Day (1 July, 2 when 1 is a Sunday),
 * Labour Day (first Monday of September), Thanksgiving (second Monday of October) and Christmas Day.
 * Holidays left on a weekend stay there unless `weekend` says otherwise.
 */
export const quebecStatutoryHolidays = (year: number, options: QuebecHolidayOptions = {}): string[] => {
  if (!Number.isInteger(year) || year < 1583) throw new InvalidYear(year);
  const days = [
    daysFromCivil(year, 1, 1),
    ...easterHolidays(year, options.easter ?? 'good-friday'),
    mondayBefore(daysFromCivil(year, 5, 25)),
    unlessSunday(daysFromCivil(year, 6, 24)),
    unlessSunday(daysFromCivil(year, 7, 1)),
    firstMondayFrom(daysFromCivil(year, 9, 1)),
    firstMondayFrom(daysFromCivil(year, 10, 1)) + 7,
    daysFromCivil(year, 12, 25),
  ];
  return observeWeekendHolidayDays(days, options.weekend ?? 'none').map(formatIsoDate);
};

/**
 * POLICY §2: moves any `'YYYY-MM-DD'` holidays (statutory or extra closures) that fall on a weekend,
 * by `next-weekday` or `nearest-weekday`; `none` leaves them. Returns sorted, distinct dates.
 */
export const observeWeekendHolidays = (holidays: readonly string[], rule: WeekendHolidayRule): string[] =>
  observeWeekendHolidayDays(
    holidays.map((holiday) => {
      const day = parseIsoDate(holiday);
      if (day === undefined) throw new MalformedHoliday(holiday);
      return day;
    }),
    rule,
  ).map(formatIsoDate);
