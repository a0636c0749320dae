import { delayUntil, InvalidDueInstant, InvalidTimerId, timerId } from './timer';

describe('timerId', () => {
  it('joins kind, ticket, clock and generation with double underscores', () => {
    expect(timerId('breach', 't-42', 'first-response', 3)).toBe('breach__t-42__first-response__3');
  });

  it.each([['a:b'], ['a__b'], ['']])('refuses the id part %j', (part) => {
    expect(() => timerId('breach', part, 'first-response', 0)).toThrow(InvalidTimerId);
    expect(() => timerId('breach', 't-1', part, 0)).toThrow(InvalidTimerId);
  });
});

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
