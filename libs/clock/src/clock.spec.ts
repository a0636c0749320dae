import { FixedClock, InvalidInstant, SystemClock } from '@app/clock';

describe('FixedClock', () => {
  it('reports the instant it was set to, normalised to UTC with milliseconds', () => {
    const clock = new FixedClock('2026-11-30T10:00:00-05:00');
    expect(clock.now()).toBe('2026-11-30T15:00:00.000Z');
  });

  it('moves only when advanced or set', () => {
    const clock = new FixedClock('2026-11-30T15:00:00.000Z');
    expect(clock.advance(90_000)).toBe('2026-11-30T15:01:30.000Z');
    clock.set('2027-01-01T00:00:00.000Z');
    expect(clock.now()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refuses a value that is not an instant', () => {
    expect(() => new FixedClock('next tuesday')).toThrow(InvalidInstant);
  });
});

describe('SystemClock', () => {
  it('returns a UTC ISO instant', () => {
    expect(new SystemClock().now()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
