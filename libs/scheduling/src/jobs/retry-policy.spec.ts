import fc from 'fast-check';
import { cappedBackoffMs, InvalidRetryHorizon, type RetryHorizon, retryPolicyWithin } from './retry-policy';

/** The waits before each retry of a policy, added one by one: the slow reference. */
const waitsOf = (attempts: number, backoffMs: number, maxBackoffMs: number): number[] =>
  Array.from({ length: attempts - 1 }, (_, i) => cappedBackoffMs(i + 1, backoffMs, maxBackoffMs));

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

describe('cappedBackoffMs', () => {
  it.each([
    [1, 2_000],
    [2, 4_000],
    [9, 512_000],
    [10, 600_000],
    [200, 600_000],
  ])('waits before retry %i: %i ms (from 2 s, doubling, capped at 10 min)', (retry, waitMs) => {
    expect(cappedBackoffMs(retry, 2_000, 600_000)).toBe(waitMs);
  });
});

describe('retryPolicyWithin', () => {
  it('gives the default horizon of 24 h, from 2 s to at most 10 min, 152 tries', () => {
    // 2 s … 512 s is 1 022 s in 9 waits; then 142 waits of 600 s fit in the 85 378 s left.
    expect(retryPolicyWithin({ horizonMs: 86_400_000, backoffMs: 2_000, maxBackoffMs: 600_000 })).toEqual({
      attempts: 152,
      backoffMs: 2_000,
      maxBackoffMs: 600_000,
    });
  });

  it('tries once when the first wait is already beyond the horizon', () => {
    expect(retryPolicyWithin({ horizonMs: 1_999, backoffMs: 2_000, maxBackoffMs: 600_000 }).attempts).toBe(1);
  });

  it('counts a wait that ends exactly at the horizon', () => {
    expect(retryPolicyWithin({ horizonMs: 350, backoffMs: 50, maxBackoffMs: 200 }).attempts).toBe(4);
    expect(retryPolicyWithin({ horizonMs: 349, backoffMs: 50, maxBackoffMs: 200 }).attempts).toBe(3);
  });

  it.each<RetryHorizon>([
    { horizonMs: 1_000, backoffMs: 0, maxBackoffMs: 200 },
    { horizonMs: 1_000, backoffMs: 50, maxBackoffMs: 0 },
    { horizonMs: -1, backoffMs: 50, maxBackoffMs: 200 },
  ])('refuses %j', (horizon) => {
    expect(() => retryPolicyWithin(horizon)).toThrow(InvalidRetryHorizon);
  });

  it('has waits that fit in the horizon, and one more wait would not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 10, max: 20_000 }),
        (horizonMs, backoffMs, maxBackoffMs) => {
          const { attempts } = retryPolicyWithin({ horizonMs, backoffMs, maxBackoffMs });
          const waits = waitsOf(attempts + 1, backoffMs, maxBackoffMs);
          expect(sum(waits.slice(0, -1))).toBeLessThanOrEqual(horizonMs);
          expect(sum(waits)).toBeGreaterThan(horizonMs);
        },
      ),
    );
  });
});
