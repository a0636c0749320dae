/** Base of every error the calendar raises; `code` is stable, the message is for people. */
export abstract class CalendarError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The time zone is not an IANA zone luxon knows. */
export class UnknownTimeZone extends CalendarError {
  readonly code = 'unknown-time-zone';
  constructor(readonly timeZone: string) {
    super(`unknown time zone '${timeZone}'`);
  }
}

/** The weekly schedule has a key that is not a weekday. */
export class UnknownWeekday extends CalendarError {
  readonly code = 'unknown-weekday';
  constructor(readonly weekday: string) {
    super(`unknown weekday '${weekday}': use mon, tue, wed, thu, fri, sat or sun`);
  }
}

/** An opening or closing time is not `'HH:mm'` between 00:00 and 24:00. */
export class MalformedTime extends CalendarError {
  readonly code = 'malformed-time';
  constructor(
    readonly weekday: string,
    readonly time: string,
  ) {
    super(`${weekday}: '${time}' is not a time 'HH:mm' between 00:00 and 24:00`);
  }
}

/** An interval closes at or before its opening. */
export class IntervalEndsBeforeStart extends CalendarError {
  readonly code = 'interval-ends-before-start';
  constructor(
    readonly weekday: string,
    readonly opening: string,
    readonly closing: string,
  ) {
    super(`${weekday}: interval ${opening}–${closing} does not end after it starts`);
  }
}

/** Two intervals of one weekday overlap (touching is allowed). */
export class OverlappingIntervals extends CalendarError {
  readonly code = 'overlapping-intervals';
  constructor(
    readonly weekday: string,
    readonly first: readonly [string, string],
    readonly second: readonly [string, string],
  ) {
    super(`${weekday}: intervals ${first[0]}–${first[1]} and ${second[0]}–${second[1]} overlap`);
  }
}

/** A holiday is not a real `'YYYY-MM-DD'` date. */
export class MalformedHoliday extends CalendarError {
  readonly code = 'malformed-holiday';
  constructor(readonly holiday: string) {
    super(`holiday '${holiday}' is not a date 'YYYY-MM-DD'`);
  }
}

/** The weekly schedule opens at no time at all. */
export class NoBusinessTime extends CalendarError {
  readonly code = 'no-business-time';
  constructor() {
    super('the weekly schedule has no business time at all');
  }
}

/** The horizon is not a positive, finite number of years. */
export class InvalidHorizon extends CalendarError {
  readonly code = 'invalid-horizon';
  constructor(readonly horizonYears: number) {
    super(`horizon of ${horizonYears} years: expected a positive number of years`);
  }
}

/** A request would reach past the horizon: too large an allowance, or no opening left. */
export class HorizonExceeded extends CalendarError {
  readonly code = 'horizon-exceeded';
  constructor(
    readonly horizonYears: number,
    readonly from: string,
  ) {
    super(`the request needs more than the calendar's horizon of ${horizonYears} years from ${from}`);
  }
}

/** An allowance is negative or not finite. */
export class InvalidAllowance extends CalendarError {
  readonly code = 'invalid-allowance';
  constructor(readonly minutes: number) {
    super(`allowance of ${minutes} minutes: expected a finite number of minutes >= 0`);
  }
}

/** An input DateTime is invalid. */
export class InvalidDateTime extends CalendarError {
  readonly code = 'invalid-date-time';
  constructor(readonly reason: string) {
    super(`invalid DateTime: ${reason}`);
  }
}

/** A holiday year is not an integer Gregorian year. */
export class InvalidYear extends CalendarError {
  readonly code = 'invalid-year';
  constructor(readonly year: number) {
    super(`year ${year}: expected an integer year from 1583 (Gregorian calendar)`);
  }
}
