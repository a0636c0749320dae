import { DateTime } from 'luxon';
import { createQuebecCalendar } from './workload';

const FIRST_YEAR = 1970;
const LAST_YEAR = 2100;

const collectGarbage = (): void => {
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  global.gc();
};

const retainedBytes = (): number => {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

/**
 * Measures what one Quebec calendar retains once its index covers 1970–2100: the business-interval chunks
 * and the remembered offsets of every day that a result was built on (JS heap plus typed-array buffers).
 */
const measure = (): void => {
  const before = retainedBytes();
  const calendar = createQuebecCalendar(LAST_YEAR - FIRST_YEAR + 2);
  const started = performance.now();
  const minutes = calendar.businessMinutesBetween(DateTime.utc(FIRST_YEAR, 1, 1), DateTime.utc(LAST_YEAR + 1, 1, 1));
  const indexBuildMs = performance.now() - started;
  for (let day = DateTime.utc(FIRST_YEAR, 1, 1, 12); day.year <= LAST_YEAR; day = day.plus({ days: 1 })) {
    calendar.nextOpening(day);
  }
  const bytes = retainedBytes() - before;
  process.stdout.write(JSON.stringify({ bytes, indexBuildMs, businessMinutes: minutes, calendarZone: calendar.zone }));
};

measure();
