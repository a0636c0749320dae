import { InvalidTimerId, timerId } from './sla-timing';

describe('timerId', () => {
  it('joins kind, ticket, clock and generation with double underscores', () => {
    expect(timerId('breach', 't-42', 'first-response', 3)).toBe('breach__t-42__first-response__3');
  });

  it.each([['a:b'], ['a__b'], ['']])('refuses the id part %j', (part) => {
    expect(() => timerId('breach', part, 'first-response', 0)).toThrow(InvalidTimerId);
    expect(() => timerId('breach', 't-1', part, 0)).toThrow(InvalidTimerId);
  });
});
