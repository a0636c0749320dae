import { DateTime, Settings } from 'luxon';
import {
  BusinessCalendar,
  HorizonExceeded,
  InvalidAllowance,
  InvalidDateTime,
  quebecStatutoryHolidays,
} from '@app/calendar';

Settings.defaultZone = 'utc';
Settings.throwOnInvalid = true;

const ZONE = 'America/Toronto';
const SUPPORT_DAY = [['07:30', '18:00']] as const;
const ALLOWANCE_MINUTES = { premium: 240, priority: 630, standard: 1260 } as const;

const quebecSupport = BusinessCalendar.create({
  timeZone: ZONE,
  weekly: { mon: SUPPORT_DAY, tue: SUPPORT_DAY, wed: SUPPORT_DAY, thu: SUPPORT_DAY, fri: SUPPORT_DAY },
  holidays: (year) => quebecStatutoryHolidays(year),
});

const local = (wallTime: string, zone = ZONE): DateTime => DateTime.fromISO(wallTime, { zone });

describe('BusinessCalendar, the Quebec support calendar', () => {
  it.each([
    ['premium', '2026-11-30T10:00', '2026-11-30T14:00'],
    ['premium', '2026-12-04T17:00', '2026-12-07T10:30'],
    ['priority', '2026-11-30T06:00', '2026-11-30T18:00'],
    ['priority', '2026-12-05T12:00', '2026-12-07T18:00'],
    ['standard', '2026-11-30T10:00', '2026-12-02T10:00'],
    ['standard', '2026-12-24T10:00', '2026-12-29T10:00'], // Christmas closed
    ['premium', '2026-03-06T17:00', '2026-03-09T10:30'], // DST began Sunday
  ] as const)('POLICY §3 worked example: given a %s ticket received %s, then it is due %s', (plan, received, due) => {
    const deadline = quebecSupport.addBusinessMinutes(local(received), ALLOWANCE_MINUTES[plan]);

    expect(deadline.toISO()).toBe(local(due).toISO());
    expect(deadline.zoneName).toBe(ZONE);
  });

  it('POLICY §3: given an allowance that ends exactly at closing, then the deadline is the closing time, not the next opening', () => {
    const deadline = quebecSupport.addBusinessMinutes(local('2026-12-01T07:30'), 630);

    expect(deadline.toISO()).toBe(local('2026-12-01T18:00').toISO());
  });

  it('POLICY §3: given a request received outside support hours, then the clock starts at the next opening', () => {
    expect(quebecSupport.nextOpening(local('2026-12-05T12:00')).toISO()).toBe(local('2026-12-07T07:30').toISO());
    expect(quebecSupport.businessMinutesBetween(local('2026-12-05T12:00'), local('2026-12-07T08:30'))).toBe(60);
  });

  it('given a start in another zone with seconds and milliseconds, when adding, then they are kept and the result is in the calendar zone', () => {
    const start = DateTime.fromISO('2026-11-30T15:00:07.250Z', { zone: 'utc' });

    const deadline = quebecSupport.addBusinessMinutes(start, 240);

    expect(deadline.toISO()).toBe('2026-11-30T14:00:07.250-05:00');
  });

  it('given zero minutes, when adding, then the start is returned even outside support hours', () => {
    const start = local('2026-12-05T12:00:00.001');

    expect(quebecSupport.addBusinessMinutes(start, 0).toMillis()).toBe(start.toMillis());
  });

  it('given an open instant, then nextOpening is that instant and isOpen holds; given the closing instant, then it is closed', () => {
    const open = local('2026-11-30T07:30');

    expect(quebecSupport.isOpen(open)).toBe(true);
    expect(quebecSupport.nextOpening(open).toMillis()).toBe(open.toMillis());
    expect(quebecSupport.isOpen(local('2026-11-30T18:00'))).toBe(false);
    expect(quebecSupport.isOpen(local('2026-11-30T17:59:59.999'))).toBe(true);
  });

  it('given a span with part of a minute, then businessMinutesBetween is fractional, and 0 when to <= from', () => {
    expect(quebecSupport.businessMinutesBetween(local('2026-11-30T17:59:30'), local('2026-12-01T07:30:15'))).toBe(0.75);
    expect(quebecSupport.businessMinutesBetween(local('2026-12-01T10:00'), local('2026-11-30T10:00'))).toBe(0);
  });

  it('given an allowance across a weekend and Christmas, when explained, then it lists the intervals consumed', () => {
    const consumed = quebecSupport.explain(local('2026-12-24T10:00'), 1260);

    expect(consumed.map(({ start, end, minutes }) => [start.toISO(), end.toISO(), minutes])).toEqual([
      [local('2026-12-24T10:00').toISO(), local('2026-12-24T18:00').toISO(), 480],
      [local('2026-12-28T07:30').toISO(), local('2026-12-28T18:00').toISO(), 630],
      [local('2026-12-29T07:30').toISO(), local('2026-12-29T10:00').toISO(), 150],
    ]);
  });

  it('given a negative or non-finite allowance, then it is refused with InvalidAllowance', () => {
    expect(() => quebecSupport.addBusinessMinutes(local('2026-12-01T10:00'), -1)).toThrow(InvalidAllowance);
    expect(() => quebecSupport.addBusinessMinutes(local('2026-12-01T10:00'), Number.NaN)).toThrow(InvalidAllowance);
  });
});

describe('BusinessCalendar.explain, given an allowance that crosses a closing time', () => {
  const LUNCH_BREAK_DAY = [
    ['07:30', '12:00'],
    ['13:00', '18:00'],
  ] as const;
  const withLunchBreak = BusinessCalendar.create({
    timeZone: ZONE,
    weekly: {
      mon: LUNCH_BREAK_DAY,
      tue: LUNCH_BREAK_DAY,
      wed: LUNCH_BREAK_DAY,
      thu: LUNCH_BREAK_DAY,
      fri: LUNCH_BREAK_DAY,
    },
  });
  const CALENDARS = { quebecSupport, withLunchBreak };

  it.each([
    [
      'quebecSupport',
      '2026-12-01T17:00',
      240,
      [
        ['2026-12-01T17:00', '2026-12-01T18:00', 60],
        ['2026-12-02T07:30', '2026-12-02T10:30', 180],
      ],
    ],
    [
      'quebecSupport',
      '2026-03-06T17:00', // DST begins Sunday
      240,
      [
        ['2026-03-06T17:00', '2026-03-06T18:00', 60],
        ['2026-03-09T07:30', '2026-03-09T10:30', 180],
      ],
    ],
    [
      'quebecSupport',
      '2026-10-30T16:45', // DST ends Sunday
      630,
      [
        ['2026-10-30T16:45', '2026-10-30T18:00', 75],
        ['2026-11-02T07:30', '2026-11-02T16:45', 555],
      ],
    ],
    [
      'withLunchBreak',
      '2026-03-06T17:00', // DST begins Sunday
      600,
      [
        ['2026-03-06T17:00', '2026-03-06T18:00', 60],
        ['2026-03-09T07:30', '2026-03-09T12:00', 270],
        ['2026-03-09T13:00', '2026-03-09T17:30', 270],
      ],
    ],
  ] as const)(
    'given %s and a start at %s, when %i support minutes are explained, then each interval has its local opening and closing times',
    (calendar, start, minutes, intervals) => {
      const consumed = CALENDARS[calendar].explain(local(start), minutes);

      expect(consumed.map(({ start: from, end, minutes: elapsed }) => [from.toISO(), end.toISO(), elapsed])).toEqual(
        intervals.map(([from, end, elapsed]) => [local(from).toISO(), local(end).toISO(), elapsed]),
      );
    },
  );
});

describe('BusinessCalendar, given an invalid DateTime', () => {
  beforeEach(() => {
    Settings.throwOnInvalid = false;
  });

  afterEach(() => {
    Settings.throwOnInvalid = true;
  });

  it('then every query refuses it with InvalidDateTime', () => {
    const invalid = DateTime.invalid('no such instant');

    expect(() => quebecSupport.isOpen(invalid)).toThrow(InvalidDateTime);
    expect(() => quebecSupport.addBusinessMinutes(invalid, 1)).toThrow(InvalidDateTime);
    expect(() => quebecSupport.businessMinutesBetween(local('2026-12-01T10:00'), invalid)).toThrow(InvalidDateTime);
  });
});

describe('BusinessCalendar, when a request reaches past the horizon', () => {
  const everyDayClosedByHolidays = BusinessCalendar.create({
    timeZone: ZONE,
    weekly: { mon: SUPPORT_DAY },
    holidays: (year) =>
      Array.from({ length: 366 }, (_, day) => DateTime.utc(year, 1, 1).plus({ days: day }).toISODate() ?? '').filter(
        (date) => date.startsWith(String(year)),
      ),
    horizonYears: 2,
  });

  it('given a calendar whose every open day is a holiday, then addBusinessMinutes and nextOpening throw HorizonExceeded', () => {
    expect(() => everyDayClosedByHolidays.addBusinessMinutes(local('2026-12-01T10:00'), 1)).toThrow(HorizonExceeded);
    expect(() => everyDayClosedByHolidays.nextOpening(local('2026-12-01T10:00'))).toThrow(HorizonExceeded);
  });

  it('given an allowance needing more than the default 20 years, then addBusinessMinutes throws HorizonExceeded', () => {
    const twentyOneYearsOfSupport = 21 * 52 * 5 * 630;

    expect(() => quebecSupport.addBusinessMinutes(local('2026-12-01T10:00'), twentyOneYearsOfSupport)).toThrow(
      HorizonExceeded,
    );
  });
});
