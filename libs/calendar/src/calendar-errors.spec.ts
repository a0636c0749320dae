import { Settings } from 'luxon';
import {
  BusinessCalendar,
  type BusinessCalendarOptions,
  IntervalEndsBeforeStart,
  InvalidHorizon,
  MalformedHoliday,
  MalformedTime,
  NoBusinessTime,
  OverlappingIntervals,
  UnknownTimeZone,
  UnknownWeekday,
  type WeeklySchedule,
} from '@app/calendar';

Settings.defaultZone = 'utc';
Settings.throwOnInvalid = true;

const valid: BusinessCalendarOptions = { timeZone: 'America/Toronto', weekly: { mon: [['07:30', '18:00']] } };
const withWeekly = (weekly: WeeklySchedule): BusinessCalendarOptions => ({ ...valid, weekly });

describe('BusinessCalendar.create, given a bad specification', () => {
  it('given an unknown zone, then it throws UnknownTimeZone naming it', () => {
    const create = () => BusinessCalendar.create({ ...valid, timeZone: 'America/Atlantis' });

    expect(create).toThrow(UnknownTimeZone);
    expect(create).toThrow(expect.objectContaining({ code: 'unknown-time-zone', timeZone: 'America/Atlantis' }));
  });

  it.each(['7:30', '24:01', '18:60', '25:00', 'noon', ''])(
    'given the time %j, then it throws MalformedTime',
    (time) => {
      const create = () => BusinessCalendar.create(withWeekly({ tue: [[time, '23:00']] }));

      expect(create).toThrow(MalformedTime);
      expect(create).toThrow(expect.objectContaining({ weekday: 'tue', time }));
    },
  );

  it.each([
    ['18:00', '07:30'],
    ['09:00', '09:00'],
    ['24:00', '24:00'],
  ])('given the interval %s–%s, then it throws IntervalEndsBeforeStart', (opening, closing) => {
    const create = () => BusinessCalendar.create(withWeekly({ wed: [[opening, closing]] }));

    expect(create).toThrow(IntervalEndsBeforeStart);
    expect(create).toThrow(expect.objectContaining({ weekday: 'wed', opening, closing }));
  });

  it('given overlapping intervals in any order, then it throws OverlappingIntervals naming both', () => {
    const create = () =>
      BusinessCalendar.create(
        withWeekly({
          thu: [
            ['13:00', '18:00'],
            ['08:00', '13:30'],
          ],
        }),
      );

    expect(create).toThrow(OverlappingIntervals);
    expect(create).toThrow(expect.objectContaining({ first: ['08:00', '13:30'], second: ['13:00', '18:00'] }));
  });

  it('given intervals that only touch, then the calendar is created', () => {
    const touching = withWeekly({
      fri: [
        ['08:00', '12:00'],
        ['12:00', '24:00'],
      ],
    });

    expect(BusinessCalendar.create(touching)).toBeInstanceOf(BusinessCalendar);
  });

  it('given an unknown weekday key, then it throws UnknownWeekday', () => {
    const weekly = { monday: [['07:30', '18:00']] } as unknown as WeeklySchedule;

    expect(() => BusinessCalendar.create(withWeekly(weekly))).toThrow(UnknownWeekday);
  });

  it('given a week without any business time, then it throws NoBusinessTime', () => {
    expect(() => BusinessCalendar.create(withWeekly({ mon: [], sat: [] }))).toThrow(NoBusinessTime);
  });

  it.each(['2026-13-01', '2026-02-29', '26-12-25', '2026-12-25T00:00'])(
    'given the holiday %j, then it throws MalformedHoliday',
    (holiday) => {
      expect(() => BusinessCalendar.create({ ...valid, holidays: [holiday] })).toThrow(MalformedHoliday);
    },
  );

  it.each([0, -1, Number.POSITIVE_INFINITY])('given a horizon of %d years, then it throws InvalidHorizon', (years) => {
    expect(() => BusinessCalendar.create({ ...valid, horizonYears: years })).toThrow(InvalidHorizon);
  });
});
