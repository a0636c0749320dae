import { isoWeekday } from '../civil-date';

/** POLICY §2: where a holiday on a Saturday or Sunday is observed; `none` by default. */
export type WeekendHolidayRule = 'none' | 'next-weekday' | 'nearest-weekday';

const isWeekend = (day: number): boolean => isoWeekday(day) >= 6;

const observedDay = (day: number, rule: WeekendHolidayRule, taken: ReadonlySet<number>): number => {
  if (rule === 'none' || !isWeekend(day)) return day;
  const step = rule === 'nearest-weekday' && isoWeekday(day) === 6 ? -1 : 1;
  let observed = day + step;
  while (isWeekend(observed) || taken.has(observed)) observed += step;
  return observed;
};

/**
 * Moves the holidays (days since 1970-01-01) that fall on a weekend to a weekday that is not already a
 * holiday: `next-weekday` to the following one, `nearest-weekday` Saturday to the Friday before and
 * Sunday to the Monday after. Returns the observed days, sorted and distinct.
 */
export const observeWeekendHolidayDays = (days: readonly number[], rule: WeekendHolidayRule): number[] => {
  const taken = new Set(days.filter((day) => rule === 'none' || !isWeekend(day)));
  for (const day of [...days].sort((a, b) => a - b)) taken.add(observedDay(day, rule, taken));
  return [...taken].sort((a, b) => a - b);
};
