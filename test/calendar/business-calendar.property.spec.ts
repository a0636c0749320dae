import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { BusinessCalendar, HorizonExceeded, type OpeningHours, type WeeklySchedule } from '@app/calendar';
import { ReferenceCalendar, type ReferenceSpecification } from './reference-calendar';

Settings.defaultZone = 'utc';
Settings.throwOnInvalid = true;

const ZONES = [
  'America/Toronto',
  'Europe/London',
  'Europe/Dublin',
  'America/Santiago',
  'America/Sao_Paulo',
  'America/Havana',
  'Asia/Tehran',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Africa/Casablanca',
  'America/St_Johns',
  'Antarctica/Troll',
  'Asia/Kathmandu',
  'UTC',
] as const;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_MINUTES = 24 * 60;

const wallTime = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Boundaries lean towards whole hours and midnight, where clocks change and where `24:00` bugs live. */
const boundary = fc.oneof(
  fc.integer({ min: 0, max: DAY_MINUTES }),
  fc.integer({ min: 0, max: 24 }).map((hour) => hour * 60),
  fc.constantFrom(0, DAY_MINUTES),
);

const dayHours: fc.Arbitrary<readonly OpeningHours[]> = fc.oneof(
  fc.constant([]),
  fc.constant([['00:00', '24:00'] as const]),
  fc.array(boundary, { minLength: 2, maxLength: 6 }).map((minutes) => {
    const sorted = [...minutes].sort((a, b) => a - b);
    const pairs: OpeningHours[] = [];
    for (let index = 0; index + 1 < sorted.length; index += 2) {
      const [opening, closing] = [sorted[index]!, sorted[index + 1]!];
      if (opening < closing) pairs.push([wallTime(opening), wallTime(closing)]);
    }
    return pairs;
  }),
);

const weekly: fc.Arbitrary<WeeklySchedule> = fc
  .tuple(...WEEKDAYS.map(() => dayHours))
  .map((days) => Object.fromEntries(WEEKDAYS.map((weekday, index) => [weekday, days[index]!])))
  .filter((schedule) => Object.values(schedule).some((hours) => hours.length > 0));

interface StartParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minute: number;
  readonly millisecond: number;
  readonly isUtc: boolean;
}

const startParts: fc.Arbitrary<StartParts> = fc.record({
  year: fc.integer({ min: 1990, max: 2060 }),
  month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(3, 4, 9, 10, 11)),
  day: fc.integer({ min: 1, max: 28 }),
  minute: fc.oneof(fc.integer({ min: 0, max: DAY_MINUTES - 1 }), fc.integer({ min: 0, max: 4 * 60 })),
  millisecond: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 59_999 })),
  isUtc: fc.boolean(),
});

/** A wall-clock time of the calendar's zone (moved forward when skipped), given in that zone or in UTC. */
const startIn = (zone: string, { year, month, day, minute, millisecond, isUtc }: StartParts): DateTime =>
  DateTime.fromObject({ year, month, day, hour: Math.floor(minute / 60) }, { zone })
    .plus({ minutes: minute % 60, milliseconds: millisecond })
    .setZone(isUtc ? 'utc' : zone);

const specification: fc.Arbitrary<ReferenceSpecification> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    weekly,
    holidays: fc.array(
      fc.date({ min: new Date('1989-12-01T00:00:00Z'), max: new Date('2062-12-31T00:00:00Z'), noInvalidDate: true }),
      { maxLength: 40 },
    ),
    horizonYears: fc.constantFrom(20, 3),
  })
  .map((spec) => ({ ...spec, holidays: spec.holidays.map((date) => date.toISOString().slice(0, 10)) }));

const allowance = fc.oneof(
  fc.integer({ min: 0, max: 3000 }),
  fc.constantFrom(240, 630, 1260, 30_000),
  fc.integer({ min: 0, max: 500_000 }),
);

/** The outcome of a call, so that both calendars can be compared even when they refuse. */
const outcome = <T>(call: () => T): T | 'horizon-exceeded' => {
  try {
    return call();
  } catch (error) {
    if (error instanceof HorizonExceeded) return 'horizon-exceeded';
    throw error;
  }
};

const asInstant = (value: DateTime | 'horizon-exceeded') =>
  value === 'horizon-exceeded' ? value : { epochMs: value.toMillis(), zone: value.zoneName, iso: value.toISO() };

describe('BusinessCalendar against the reference calendar, over random schedules, zones and holidays', () => {
  it('given any start and allowance, then addBusinessMinutes matches the reference to the millisecond', () => {
    fc.assert(
      fc.property(specification, startParts, allowance, (spec, parts, minutes) => {
        const start = startIn(spec.timeZone, parts);
        const calendar = BusinessCalendar.create(spec);
        const reference = new ReferenceCalendar(spec);

        expect(asInstant(outcome(() => calendar.addBusinessMinutes(start, minutes)))).toEqual(
          asInstant(outcome(() => reference.addBusinessMinutes(start, minutes))),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('given any start and allowance, then explain lists the maximal business intervals the reference consumes, as local times', () => {
    fc.assert(
      fc.property(specification, startParts, fc.integer({ min: 0, max: 3000 }), (spec, parts, minutes) => {
        const start = startIn(spec.timeZone, parts);
        const calendar = BusinessCalendar.create(spec);
        const reference = new ReferenceCalendar(spec);
        const deadline = outcome(() => reference.addBusinessMinutes(start, minutes));
        if (deadline === 'horizon-exceeded') {
          expect(outcome(() => calendar.explain(start, minutes))).toBe(deadline);
          return;
        }

        const explained = calendar.explain(start, minutes);

        const instants = explained.map(({ start: from, end }) => [from.toMillis(), end.toMillis()] as const);
        expect(instants).toEqual(reference.explain(start, minutes));
        const inZone = (ms: number) => DateTime.fromMillis(ms, { zone: spec.timeZone });
        for (const { start: from, end, minutes: elapsed } of explained) {
          expect([asInstant(from), asInstant(end)]).toEqual([
            asInstant(inZone(from.toMillis())),
            asInstant(inZone(end.toMillis())),
          ]);
          expect(reference.businessMinutesBetween(from, end)).toBe(elapsed);
        }
        instants.forEach(([from, end], index) => {
          const next = instants[index + 1];
          expect(from).toBeLessThan(end);
          if (index > 0) expect(reference.isOpen(DateTime.fromMillis(from - 1))).toBe(false);
          if (next) {
            expect(end).toBeLessThan(next[0]);
            expect(reference.isOpen(DateTime.fromMillis(end))).toBe(false);
          }
        });
        const consumedMs = instants.reduce((sum, [from, end]) => sum + end - from, 0);
        expect(consumedMs).toBe(minutes * 60_000);
        if (minutes > 0) {
          expect(instants[0]?.[0]).toBe(reference.nextOpening(start).toMillis());
          expect(instants[instants.length - 1]?.[1]).toBe(deadline.toMillis());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('given any two instants, then businessMinutesBetween, isOpen and nextOpening match the reference', () => {
    fc.assert(
      fc.property(
        specification,
        startParts,
        fc.integer({ min: -86_400_000, max: 90 * 86_400_000 }),
        (spec, parts, spanMs) => {
          const from = startIn(spec.timeZone, parts);
          const to = from.plus({ milliseconds: spanMs });
          const calendar = BusinessCalendar.create(spec);
          const reference = new ReferenceCalendar(spec);

          expect(calendar.businessMinutesBetween(from, to)).toBe(reference.businessMinutesBetween(from, to));
          expect(calendar.isOpen(from)).toBe(reference.isOpen(from));
          expect(calendar.isOpen(to)).toBe(reference.isOpen(to));
          expect(asInstant(outcome(() => calendar.nextOpening(from)))).toEqual(
            asInstant(outcome(() => reference.nextOpening(from))),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('BusinessCalendar laws', () => {
  const scenario = fc.record({
    spec: specification,
    parts: startParts,
    minutes: allowance,
    moreMinutes: fc.integer({ min: 0, max: 5000 }),
    laterMs: fc.integer({ min: 0, max: 10 * 86_400_000 }),
  });

  it('given any start and whole-minute allowance, then businessMinutesBetween(s, addBusinessMinutes(s, m)) is m', () => {
    fc.assert(
      fc.property(scenario, ({ spec, parts, minutes }) => {
        const start = startIn(spec.timeZone, parts);
        const calendar = BusinessCalendar.create(spec);
        const deadline = outcome(() => calendar.addBusinessMinutes(start, minutes));
        fc.pre(deadline !== 'horizon-exceeded');

        expect(calendar.businessMinutesBetween(start, deadline)).toBe(minutes);
      }),
      { numRuns: 300 },
    );
  });

  it('given a later start or a larger allowance, then the deadline is never earlier', () => {
    fc.assert(
      fc.property(scenario, ({ spec, parts, minutes, moreMinutes, laterMs }) => {
        const start = startIn(spec.timeZone, parts);
        const calendar = BusinessCalendar.create(spec);
        const deadline = outcome(() => calendar.addBusinessMinutes(start, minutes).toMillis());
        const withMore = outcome(() => calendar.addBusinessMinutes(start, minutes + moreMinutes).toMillis());
        const startingLater = outcome(() =>
          calendar.addBusinessMinutes(start.plus({ milliseconds: laterMs }), minutes).toMillis(),
        );
        fc.pre(deadline !== 'horizon-exceeded' && withMore !== 'horizon-exceeded');
        fc.pre(startingLater !== 'horizon-exceeded');

        expect(withMore).toBeGreaterThanOrEqual(deadline);
        expect(startingLater).toBeGreaterThanOrEqual(deadline);
      }),
      { numRuns: 300 },
    );
  });

  it('given a positive allowance, then the deadline is inside business time or exactly a closing time, in the calendar zone', () => {
    fc.assert(
      fc.property(scenario, ({ spec, parts, minutes }) => {
        fc.pre(minutes > 0);
        const calendar = BusinessCalendar.create(spec);
        const deadline = outcome(() => calendar.addBusinessMinutes(startIn(spec.timeZone, parts), minutes));
        fc.pre(deadline !== 'horizon-exceeded');

        const isClosingTime = !calendar.isOpen(deadline) && calendar.isOpen(deadline.minus({ milliseconds: 1 }));
        expect(calendar.isOpen(deadline) || isClosingTime).toBe(true);
        expect(deadline.zoneName).toBe(spec.timeZone);
      }),
      { numRuns: 300 },
    );
  });

  it('given holidays as a function of the year, then the calendar equals the one given the same dates as a list', () => {
    fc.assert(
      fc.property(scenario, ({ spec, parts, minutes }) => {
        const start = startIn(spec.timeZone, parts);
        const byYear = BusinessCalendar.create({
          ...spec,
          holidays: (year) => spec.holidays.filter((date) => date.startsWith(String(year))),
        });

        expect(asInstant(outcome(() => byYear.addBusinessMinutes(start, minutes)))).toEqual(
          asInstant(outcome(() => BusinessCalendar.create(spec).addBusinessMinutes(start, minutes))),
        );
      }),
      { numRuns: 200 },
    );
  });
});
