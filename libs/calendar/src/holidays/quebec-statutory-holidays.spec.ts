import { InvalidYear, MalformedHoliday, observeWeekendHolidays, quebecStatutoryHolidays } from '@app/calendar';

describe('quebecStatutoryHolidays', () => {
  it('POLICY §2: given 2026, then it lists the eight statutory holidays with Good Friday by default', () => {
    expect(quebecStatutoryHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-05-18',
      '2026-06-24',
      '2026-07-01',
      '2026-09-07',
      '2026-10-12',
      '2026-12-25',
    ]);
  });

  it.each([
    [2024, '2024-05-20'],
    [2021, '2021-05-24'],
    [2020, '2020-05-18'],
  ])('POLICY §2: given %i, then National Patriots Day is the Monday before 25 May, %s', (year, patriots) => {
    expect(quebecStatutoryHolidays(year)).toContain(patriots);
  });

  it.each([
    ['good-friday', ['2024-03-29']],
    ['easter-monday', ['2024-04-01']],
    ['both', ['2024-03-29', '2024-04-01']],
  ] as const)('POLICY §2: given the easter choice %s, then 2024 closes on %j', (easter, closed) => {
    const holidays = quebecStatutoryHolidays(2024, { easter });

    expect(holidays.filter((date) => date.startsWith('2024-03') || date.startsWith('2024-04'))).toEqual(closed);
  });

  it.each([
    [1970, '1970-03-27'],
    [2000, '2000-04-21'],
    [2038, '2038-04-23'],
    [2285, '2285-03-20'],
  ])('given %i, then Good Friday is %s (two days before the Gregorian Easter)', (year, goodFriday) => {
    expect(quebecStatutoryHolidays(year)).toContain(goodFriday);
  });

  it('POLICY §2: given 24 June on a Sunday (2029), then Fête nationale is Monday 25 June', () => {
    expect(quebecStatutoryHolidays(2029)).toContain('2029-06-25');
    expect(quebecStatutoryHolidays(2029)).not.toContain('2029-06-24');
  });

  it('POLICY §2: given 1 July on a Sunday (2029), then Canada Day is Monday 2 July', () => {
    expect(quebecStatutoryHolidays(2029)).toContain('2029-07-02');
    expect(quebecStatutoryHolidays(2029)).not.toContain('2029-07-01');
  });

  it('POLICY §2: given Christmas on a Saturday (2027) and no weekend rule, then it stays on the Saturday', () => {
    expect(quebecStatutoryHolidays(2027)).toContain('2027-12-25');
    expect(quebecStatutoryHolidays(2027)).not.toContain('2027-12-27');
  });

  it('POLICY §2: given the next-weekday rule, then Saturday 25 Dec 2027 and Saturday 1 Jan 2022 move to Monday', () => {
    expect(quebecStatutoryHolidays(2027, { weekend: 'next-weekday' })).toContain('2027-12-27');
    expect(quebecStatutoryHolidays(2022, { weekend: 'next-weekday' })).toContain('2022-01-03');
  });

  it('POLICY §2: given the nearest-weekday rule, then a Saturday moves to Friday and a Sunday to Monday', () => {
    expect(quebecStatutoryHolidays(2027, { weekend: 'nearest-weekday' })).toContain('2027-12-24');
    expect(quebecStatutoryHolidays(2022, { weekend: 'nearest-weekday' })).toContain('2021-12-31');
    expect(quebecStatutoryHolidays(2022, { weekend: 'nearest-weekday' })).toContain('2022-12-26');
  });

  it('given a year that is not an integer, then it is refused with InvalidYear', () => {
    expect(() => quebecStatutoryHolidays(2026.5)).toThrow(InvalidYear);
  });
});

describe('observeWeekendHolidays', () => {
  it('POLICY §2: given two closures on one weekend, when moved to the next weekday, then they take Monday and Tuesday', () => {
    expect(observeWeekendHolidays(['2027-12-25', '2027-12-26'], 'next-weekday')).toEqual(['2027-12-27', '2027-12-28']);
  });

  it('POLICY §2: given the rule none, then weekend closures stay where they are', () => {
    expect(observeWeekendHolidays(['2027-12-26', '2027-12-25'], 'none')).toEqual(['2027-12-25', '2027-12-26']);
  });

  it('given a date that does not exist, then it is refused with MalformedHoliday', () => {
    expect(() => observeWeekendHolidays(['2027-02-30'], 'none')).toThrow(MalformedHoliday);
  });
});
