export { BusinessCalendar } from './business-calendar';
export type { BusinessCalendarOptions, ConsumedInterval, HolidaySource } from './business-calendar';
export {
  CalendarError,
  HorizonExceeded,
  IntervalEndsBeforeStart,
  InvalidAllowance,
  InvalidDateTime,
  InvalidHorizon,
  InvalidYear,
  MalformedHoliday,
  MalformedTime,
  NoBusinessTime,
  OverlappingIntervals,
  UnknownTimeZone,
  UnknownWeekday,
} from './calendar-errors';
export { observeWeekendHolidays, quebecStatutoryHolidays } from './holidays/quebec-statutory-holidays';
export type { EasterHolidays, QuebecHolidayOptions } from './holidays/quebec-statutory-holidays';
export type { WeekendHolidayRule } from './holidays/weekend-holidays';
export type { OpeningHours, Weekday, WeeklySchedule } from './weekly-schedule';
