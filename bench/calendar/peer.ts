import dayjs from 'dayjs';
import dayjsBusinessTime from 'dayjs-business-time';
import { DateTime } from 'luxon';
import moment from 'moment';
import 'moment-business-time';
import { ALLOWANCES, type Pair, TIME_ZONE, createQuebecCalendar, drawPairs, quebecHolidayList } from './workload';

/** Prepares one implementation: turns a start into its own date type (untimed), then adds business minutes. */
interface Runner {
  prepare(startMs: number): unknown;
  add(start: unknown, minutes: number): number;
}

const ourCalendar = (): Runner => {
  const calendar = createQuebecCalendar();
  return {
    prepare: (startMs) => DateTime.fromMillis(startMs, { zone: TIME_ZONE }),
    add: (start, minutes) => calendar.addBusinessMinutes(start as DateTime, minutes).toMillis(),
  };
};

const luxonPlus = (): Runner => ({
  prepare: (startMs) => DateTime.fromMillis(startMs, { zone: TIME_ZONE }),
  add: (start, minutes) => (start as DateTime).plus({ minutes }).toMillis(),
});

// The peers read hours and holidays from global state and work in the process's local zone (TZ).
const momentBusinessTime = (): Runner => {
  const hours = ['07:30:00', '18:00:00'];
  moment.updateLocale('en', {
    workinghours: { 0: null, 1: hours, 2: hours, 3: hours, 4: hours, 5: hours, 6: null },
    holidays: quebecHolidayList(),
  } as moment.LocaleSpecification);
  return {
    prepare: (startMs) => moment(startMs),
    // addWorkingTime changes the moment it is called on, like moment's own add.
    add: (start, minutes) => (start as moment.Moment).clone().addWorkingTime(minutes, 'minutes').valueOf(),
  };
};

const dayjsBusinessTimeRunner = (): Runner => {
  dayjs.extend(dayjsBusinessTime);
  const hours = [{ start: '07:30:00', end: '18:00:00' }];
  dayjs.setBusinessTime({
    sunday: null,
    monday: hours,
    tuesday: hours,
    wednesday: hours,
    thursday: hours,
    friday: hours,
    saturday: null,
  });
  dayjs.setHolidays(quebecHolidayList());
  return {
    prepare: (startMs) => dayjs(startMs),
    add: (start, minutes) => (start as dayjs.Dayjs).addBusinessMinutes(minutes).valueOf(),
  };
};

const RUNNERS: Readonly<Record<string, () => Runner>> = {
  'business-calendar': ourCalendar,
  'luxon-plus': luxonPlus,
  'moment-business-time': momentBusinessTime,
  'dayjs-business-time': dayjsBusinessTimeRunner,
};

const CLOCK_CHECK_EVERY = 64;

/** Adds business minutes to `indexes` in order until done or out of time; returns what ran and how long it took. */
const timePass = (
  runner: Runner,
  starts: readonly unknown[],
  pairs: readonly Pair[],
  indexes: readonly number[],
  budgetSeconds: number,
  results: (number | null)[],
) => {
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  let operations = 0;
  for (const index of indexes) {
    results[index] = runner.add(starts[index], pairs[index]!.minutes);
    if (++operations % CLOCK_CHECK_EVERY === 0 && performance.now() > deadline) break;
  }
  return { operations, seconds: (performance.now() - started) / 1000 };
};

/**
 * Runs one implementation over the shared pairs and prints its timings and results as JSON: a first pass
 * over all pairs in drawn order (cold: JIT and lazy caches), then one timed pass per allowance. Each pass
 * gets at most `budgetSeconds`, so the slow peers run on the first pairs only.
 */
const run = (name: string, count: number, budgetSeconds: number): void => {
  const runner = RUNNERS[name]?.();
  if (!runner) throw new Error(`unknown implementation '${name}'`);
  const pairs = drawPairs(count);
  const starts = pairs.map(({ startMs }) => runner.prepare(startMs));
  const results = new Array<number | null>(count).fill(null);
  const firstPass = timePass(runner, starts, pairs, [...pairs.keys()], budgetSeconds, []);
  const timings = ALLOWANCES.map((allowance) => {
    const indexes = pairs.flatMap((pair, index) => (pair.minutes === allowance ? [index] : []));
    return { allowance, ...timePass(runner, starts, pairs, indexes, budgetSeconds, results) };
  });
  process.stdout.write(JSON.stringify({ name, firstPass, timings, results }));
};

run(process.argv[2] ?? '', Number(process.argv[3]), Number(process.argv[4]));
