import {
  firstPolicyVersionDocument,
  firstResponseAllowanceMinutes,
  fullDayMinutesOf,
  InvalidPolicyVersion,
  parsePolicyVersion,
  type Policy,
  type PolicyVersionDocument,
} from '@app/policy';

const document = (): PolicyVersionDocument => structuredClone(firstPolicyVersionDocument) as PolicyVersionDocument;

const parse = (input: unknown): Policy => {
  const policy = parsePolicyVersion(input);
  if (policy instanceof Error) throw policy;
  return policy;
};

describe('policy version 2017-11-23, as data', () => {
  const policy = parse(firstPolicyVersionDocument);

  it('takes effect at midnight in Toronto on 2017-11-23', () => {
    expect(policy.version).toBe('2017-11-23');
    expect(policy.effectiveFrom).toBe('2017-11-23T05:00:00.000Z');
  });

  it.each([
    ['standard', 1260],
    ['priority', 630],
    ['premium', 240],
  ] as const)('POLICY §3: the %s allowance is %i support minutes', (plan, minutes) => {
    expect(firstResponseAllowanceMinutes(policy, plan)).toBe(minutes);
  });

  it('builds the Quebec calendar: closed on Christmas and at weekends, open Monday 07:30 Eastern', () => {
    expect(policy.calendar.id).toBe('quebec-support-hours');
    expect(policy.calendar.isOpen('2026-12-25T15:00:00.000Z')).toBe(false);
    expect(policy.calendar.isOpen('2026-12-05T15:00:00.000Z')).toBe(false);
    expect(policy.calendar.nextOpening('2026-11-30T11:00:00.000Z')).toBe('2026-11-30T12:30:00.000Z');
  });

  it('explains a deadline as the support intervals it consumes', () => {
    expect(policy.calendar.explain('2026-12-04T22:00:00.000Z', 240)).toEqual([
      { start: '2026-12-04T22:00:00.000Z', end: '2026-12-04T23:00:00.000Z', minutes: 60 },
      { start: '2026-12-07T12:30:00.000Z', end: '2026-12-07T15:30:00.000Z', minutes: 180 },
    ]);
  });

  it.each([
    [
      'Fête nationale and Canada Day',
      '2026-06-20T12:00:00.000Z',
      '2026-07-03T12:00:00.000Z',
      ['2026-06-24', '2026-07-01'],
    ],
    [
      'Christmas and New Year, across the year',
      '2026-12-24T15:00:00.000Z',
      '2027-01-04T15:00:00.000Z',
      ['2026-12-25', '2027-01-01'],
    ],
    ['the local date of each end, not the UTC one', '2026-06-24T02:00:00.000Z', '2026-06-24T03:00:00.000Z', []],
    ['none in an ordinary week', '2026-11-30T12:00:00.000Z', '2026-12-04T23:00:00.000Z', []],
  ])('lists the closures on opening days for audits: %s', (_case, from, to, holidays) =>
    expect(policy.calendar.holidaysBetween(from, to)).toEqual(holidays),
  );
});

describe('validating a policy version', () => {
  it('refuses a document with every problem listed by path and reason', () => {
    const bad = document() as unknown as Record<string, unknown> & { plans: Record<string, Record<string, unknown>> };
    bad.version = '';
    (bad.plans.premium as Record<string, unknown>).channels = ['fax'];
    (bad.plans.standard as Record<string, unknown>).minimumLicences = -1;
    bad.calendar = { ...(bad.calendar as object), timeZone: 'Mars/Olympus' };
    bad.unexpected = true;
    const result = parsePolicyVersion(bad);
    expect(result).toBeInstanceOf(InvalidPolicyVersion);
    const paths = (result as InvalidPolicyVersion).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'version',
        'plans.premium.channels.0',
        'plans.standard.minimumLicences',
        'calendar.timeZone',
        '',
      ]),
    );
    expect((result as InvalidPolicyVersion).problems.every((p) => p.reason.length > 0)).toBe(true);
  });

  it.each([
    [
      'an interval ending before it starts',
      (d: PolicyVersionDocument) => (d.calendar.weekly.mon = [['18:00', '07:30']]),
      'calendar.weekly.mon.0',
    ],
    [
      'overlapping intervals',
      (d: PolicyVersionDocument) =>
        (d.calendar.weekly.tue = [
          ['07:30', '12:00'],
          ['11:00', '18:00'],
        ]),
      'calendar.weekly.tue',
    ],
    [
      'a malformed time',
      (d: PolicyVersionDocument) => (d.calendar.weekly.wed = [['7h30', '18:00']]),
      'calendar.weekly.wed.0.0',
    ],
    [
      'a relaxation factor of 1',
      (d: PolicyVersionDocument) => (d.excessiveUse.relaxation = { mode: 'extend', factor: 1 }),
      'excessiveUse.relaxation.factor',
    ],
    [
      'an effective instant without offset',
      (d: PolicyVersionDocument) => (d.effectiveFrom = '2030-01-01T00:00'),
      'effectiveFrom',
    ],
    [
      'more than 24 hours per billed entry',
      (d: PolicyVersionDocument) => (d.professionalServices.maxHoursPerEntry = 25),
      'professionalServices.maxHoursPerEntry',
    ],
    [
      'an extra closure that is not a date',
      (d: PolicyVersionDocument) => (d.calendar.holidays.extraClosures = ['26 Dec']),
      'calendar.holidays.extraClosures.0',
    ],
  ])('refuses %s', (_name, change, path) => {
    const bad = document();
    change(bad);
    const result = parsePolicyVersion(bad);
    expect(result).toBeInstanceOf(InvalidPolicyVersion);
    expect((result as InvalidPolicyVersion).problems.map((p) => p.path)).toContain(path);
  });

  it('refuses a calendar without any support hours', () => {
    const bad = document();
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) bad.calendar.weekly[day] = [];
    expect((parsePolicyVersion(bad) as InvalidPolicyVersion).problems).toEqual([
      { path: 'calendar.weekly', reason: 'the calendar has no support hours' },
    ]);
  });

  it('lists a calendar without hours and a duplicate channel together with the other problems', () => {
    const bad = document();
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) bad.calendar.weekly[day] = [];
    bad.plans.priority.channels = ['forum', 'forum'];
    bad.professionalServices.hourlyRate = -5;
    expect((parsePolicyVersion(bad) as InvalidPolicyVersion).problems.map((p) => p.path)).toEqual([
      'plans.priority.channels',
      'calendar.weekly',
      'professionalServices.hourlyRate',
    ]);
  });

  it('never throws, whatever it is given', () => {
    for (const input of [null, undefined, 42, 'policy', [], { plans: null }]) {
      expect(parsePolicyVersion(input)).toBeInstanceOf(InvalidPolicyVersion);
    }
  });
});

describe('POLICY §3 business days for calendars whose days differ', () => {
  it('counts a business day as the longest scheduled day, lunch breaks excluded', () => {
    const d = document();
    d.calendar.weekly.mon = [
      ['08:00', '12:00'],
      ['13:00', '17:00'],
    ];
    d.calendar.weekly.fri = [['08:00', '12:00']];
    d.calendar.weekly.tue = [['07:30', '18:00']];
    expect(fullDayMinutesOf(d.calendar)).toBe(630);
    d.calendar.weekly.tue = [['09:00', '17:00']];
    d.calendar.weekly.wed = [['09:00', '17:00']];
    d.calendar.weekly.thu = [['09:00', '17:00']];
    expect(fullDayMinutesOf(d.calendar)).toBe(480);
    expect(firstResponseAllowanceMinutes(parse(d), 'standard')).toBe(960);
  });

  it('uses the full day the version states, when it states one', () => {
    const d = document();
    d.calendar.fullDayMinutes = 450;
    expect(firstResponseAllowanceMinutes(parse(d), 'priority')).toBe(450);
  });

  it('counts a 24/7 calendar day as 1440 minutes', () => {
    const d = document();
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)
      d.calendar.weekly[day] = [['00:00', '24:00']];
    expect(firstResponseAllowanceMinutes(parse(d), 'standard')).toBe(2880);
  });
});

describe('POLICY §2 holidays of a policy version', () => {
  it('closes on the extra closure dates of the version', () => {
    const d = document();
    d.calendar.holidays.extraClosures = ['2026-12-28'];
    expect(parse(d).calendar.isOpen('2026-12-28T15:00:00.000Z')).toBe(false);
    expect(parse(document()).calendar.isOpen('2026-12-28T15:00:00.000Z')).toBe(true);
  });

  it('moves a weekend holiday to the next weekday when the version says so', () => {
    const d = document();
    d.calendar.holidays.weekendRule = 'next-weekday';
    // Christmas 2027 is a Saturday: observed Monday 27 December.
    expect(parse(d).calendar.isOpen('2027-12-27T15:00:00.000Z')).toBe(false);
    expect(parse(document()).calendar.isOpen('2027-12-27T15:00:00.000Z')).toBe(true);
  });

  it('closes on Easter Monday instead of Good Friday when the version chooses it', () => {
    const d = document();
    d.calendar.holidays.easter = 'easter-monday';
    // Easter 2026 is 5 April.
    expect(parse(d).calendar.isOpen('2026-04-06T15:00:00.000Z')).toBe(false);
    expect(parse(d).calendar.isOpen('2026-04-03T15:00:00.000Z')).toBe(true);
    expect(parse(document()).calendar.isOpen('2026-04-03T15:00:00.000Z')).toBe(false);
  });
});
