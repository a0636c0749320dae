import { BusinessCalendar, quebecStatutoryHolidays } from '@app/calendar';

export const TIME_ZONE = 'America/Toronto';
export const ALLOWANCES = [240, 630, 1260, 30_000] as const;
export const PAIR_COUNT = 200_000;

const SUPPORT_DAY = [['07:30', '18:00']] as const;
const FIRST_START = Date.UTC(2015, 0, 1, 5);
const LAST_START = Date.UTC(2041, 0, 1, 5);
const MINUTE_MS = 60_000;

export const createQuebecCalendar = (horizonYears?: number): BusinessCalendar =>
  BusinessCalendar.create({
    timeZone: TIME_ZONE,
    weekly: { mon: SUPPORT_DAY, tue: SUPPORT_DAY, wed: SUPPORT_DAY, thu: SUPPORT_DAY, fri: SUPPORT_DAY },
    holidays: (year) => quebecStatutoryHolidays(year),
    ...(horizonYears === undefined ? {} : { horizonYears }),
  });

/** Every Quebec holiday a 30 000-minute allowance from a 2015–2040 start can meet, for the peers. */
export const quebecHolidayList = (): string[] =>
  Array.from({ length: 2046 - 2014 }, (_, index) => quebecStatutoryHolidays(2014 + index)).flat();

export interface Pair {
  readonly startMs: number;
  readonly minutes: number;
}

/** A small deterministic generator (mulberry32), so that every process draws the same pairs. */
const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Whole-minute starts, uniform over 2015–2040, with allowances drawn evenly from {@link ALLOWANCES}. */
export const drawPairs = (count = PAIR_COUNT, seed = 20_171_123): Pair[] => {
  const random = seededRandom(seed);
  const startMinutes = (LAST_START - FIRST_START) / MINUTE_MS;
  return Array.from({ length: count }, () => ({
    startMs: FIRST_START + Math.floor(random() * startMinutes) * MINUTE_MS,
    minutes: ALLOWANCES[Math.floor(random() * ALLOWANCES.length)]!,
  }));
};
