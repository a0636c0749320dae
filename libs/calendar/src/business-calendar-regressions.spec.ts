import { DateTime, Settings } from 'luxon';
import { BusinessCalendar, quebecStatutoryHolidays } from '@app/calendar';

Settings.defaultZone = 'utc';
Settings.throwOnInvalid = true;

const ZONE = 'America/Toronto';
const SUPPORT_DAY = [['07:30', '18:00']] as const;
const WHOLE_DAY = [['00:00', '24:00']] as const;

const quebecSupport = BusinessCalendar.create({
  timeZone: ZONE,
  weekly: { mon: SUPPORT_DAY, tue: SUPPORT_DAY, wed: SUPPORT_DAY, thu: SUPPORT_DAY, fri: SUPPORT_DAY },
  holidays: (year) => quebecStatutoryHolidays(year),
});
const alwaysOpen = BusinessCalendar.create({
  timeZone: ZONE,
  weekly: {
    mon: WHOLE_DAY,
    tue: WHOLE_DAY,
    wed: WHOLE_DAY,
    thu: WHOLE_DAY,
    fri: WHOLE_DAY,
    sat: WHOLE_DAY,
    sun: WHOLE_DAY,
  },
});
const eveningsToMidnight = BusinessCalendar.create({ timeZone: ZONE, weekly: { tue: [['18:00', '24:00']] } });

const local = (wallTime: string): DateTime => DateTime.fromISO(wallTime, { zone: ZONE });

describe('BusinessCalendar, regressions seen in other business-time libraries', () => {
  it.each([
    ['2026-03-08T01:30', 60, '2026-03-08T03:30-04:00'],
    ['2026-03-08T00:00', 180, '2026-03-08T04:00-04:00'],
    ['2026-11-01T01:30-04:00', 60, '2026-11-01T01:30-05:00'],
    ['2026-11-01T00:00', 24 * 60, '2026-11-01T23:00-05:00'],
  ])(
    'given a DST day, when %s + %i business minutes, then real time elapses and the same instant is never returned',
    (start, minutes, expected) => {
      const startAt = DateTime.fromISO(start, { zone: ZONE });

      const deadline = alwaysOpen.addBusinessMinutes(startAt, minutes);

      expect(deadline.toMillis()).toBe(DateTime.fromISO(expected).toMillis());
      expect(deadline.toMillis() - startAt.toMillis()).toBe(minutes * 60_000);
    },
  );

  it('given the 00:00–24:00 interval on DST days, then it holds 23 hours in spring and 25 in autumn', () => {
    expect(alwaysOpen.businessMinutesBetween(local('2026-03-08T00:00'), local('2026-03-09T00:00'))).toBe(23 * 60);
    expect(alwaysOpen.businessMinutesBetween(local('2026-11-01T00:00'), local('2026-11-02T00:00'))).toBe(25 * 60);
  });

  it('given intervals ending at 24:00, when adding from or across midnight, then it ends instead of looping', () => {
    expect(eveningsToMidnight.addBusinessMinutes(local('2026-12-01T23:00'), 60).toISO()).toBe(
      local('2026-12-02T00:00').toISO(),
    );
    expect(eveningsToMidnight.addBusinessMinutes(local('2026-12-02T00:00'), 60).toISO()).toBe(
      local('2026-12-08T19:00').toISO(),
    );
    expect(eveningsToMidnight.nextOpening(local('2026-12-02T00:00')).toISO()).toBe(local('2026-12-08T18:00').toISO());
  });

  it('given a leap year, when adding one business day on 28 February, then it lands on 29 February', () => {
    expect(quebecSupport.addBusinessMinutes(local('2028-02-28T17:00'), 630).toISO()).toBe(
      local('2028-02-29T17:00').toISO(),
    );
    expect(alwaysOpen.businessMinutesBetween(local('2028-02-28T12:00'), local('2028-03-01T12:00'))).toBe(2 * 1440);
  });

  it('given full-day intervals, when adding whole days, then no extra minute is counted per day', () => {
    expect(alwaysOpen.addBusinessMinutes(local('2026-11-23T00:00'), 3 * 1440).toISO()).toBe(
      local('2026-11-26T00:00').toISO(),
    );
    expect(alwaysOpen.businessMinutesBetween(local('2026-11-23T00:00'), local('2026-11-30T00:00'))).toBe(7 * 1440);
  });

  it('given Friday 09:59, when adding one business day, then it lands on Monday 09:59, not Saturday', () => {
    expect(quebecSupport.addBusinessMinutes(local('2026-12-04T09:59'), 630).toISO()).toBe(
      local('2026-12-07T09:59').toISO(),
    );
  });
});
