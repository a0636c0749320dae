import fc from 'fast-check';
import { FixedClock } from '@app/clock';
import { SlidingWindowRateLimits } from './rate-limit.storage';

const MINUTE = 60_000;
const START = '2026-12-02T09:00:00.000Z';

const limits = () => {
  const clock = new FixedClock(START);
  const storage = new SlidingWindowRateLimits(clock);
  const hit = (key = 'key:a', limit = 3) => storage.increment(key, MINUTE, limit, MINUTE, 'default');
  return { clock, hit };
};

describe('the rate limiter counts hits in a sliding minute per caller', () => {
  it('given a limit of 3, when a caller sends 4 requests in a minute, then the 4th is blocked for a minute', async () => {
    const { hit } = limits();
    for (let n = 1; n <= 3; n++) expect(await hit()).toMatchObject({ totalHits: n, isBlocked: false });
    const blocked = await hit();
    expect(blocked).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 60 });
  });

  it('given a blocked caller, when its block runs out, then it is counted afresh', async () => {
    const { clock, hit } = limits();
    for (let n = 0; n < 4; n++) await hit();
    clock.advance(30_000);
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    clock.advance(30_000);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('given hits spread over a minute, when the oldest leaves the window, then it no longer counts', async () => {
    const { clock, hit } = limits();
    await hit();
    clock.advance(40_000);
    await hit();
    clock.advance(10_000);
    expect(await hit()).toMatchObject({ totalHits: 3, timeToExpire: 10 });
    clock.advance(10_000);
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: false });
  });

  it('given no block duration, when a caller is at its limit, then it is refused until its oldest hit leaves', async () => {
    const clock = new FixedClock(START);
    const storage = new SlidingWindowRateLimits(clock);
    const hit = () => storage.increment('key:a', MINUTE, 2, 0, 'default');
    await hit();
    clock.advance(20_000);
    await hit();
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 40 });
    clock.advance(40_000);
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
  });

  it('counts each caller on its own', async () => {
    const { hit } = limits();
    for (let n = 0; n < 4; n++) await hit('key:a');
    expect(await hit('key:b')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('never lets more than the limit through in any minute (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        async (limit, gaps) => {
          const { clock, hit } = limits();
          const allowedAt: number[] = [];
          for (const gap of gaps) {
            const now = Date.parse(clock.advance(gap));
            if (!(await hit('key:a', limit)).isBlocked) allowedAt.push(now);
          }
          for (const [index, at] of allowedAt.entries()) {
            const inMinute = allowedAt.slice(index).filter((later) => later - at < MINUTE - 1_000).length;
            expect(inMinute).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});
