import { delayUntil, InvalidDueInstant } from './timer';

describe('delayUntil', () => {
  it('is the time left until the due instant', () => {
    expect(delayUntil('2026-11-30T19:00:00.000Z', '2026-11-30T18:59:58.500Z')).toBe(1_500);
  });

  it('is zero for a due instant in the past', () => {
    expect(delayUntil('2026-11-30T18:00:00.000Z', '2026-11-30T19:00:00.000Z')).toBe(0);
  });

  it('refuses a due instant that is not an instant', () => {
    expect(() => delayUntil('tomorrow', '2026-11-30T19:00:00.000Z')).toThrow(InvalidDueInstant);
  });
});
