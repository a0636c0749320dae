import type { Clock } from '@app/clock';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** The hits of a window are counted per second: a hit leaves the window up to this much later than exactly. */
const BUCKET_MS = 1_000;

interface Window {
  /** Hits per second of the last `buckets.length` seconds, a ring indexed by the second since the epoch. */
  readonly buckets: number[];
  newestBucket: number;
  total: number;
  blockedUntil: number;
}

interface Hit {
  readonly totalHits: number;
  readonly timeToExpire: number;
  readonly isBlocked: boolean;
  readonly timeToBlockExpire: number;
}

const secondsUntil = (at: number, now: number): number => Math.max(1, Math.ceil((at - now) / 1_000));

/**
 * The rate limiter's counts, as `@nestjs/throttler`'s in-memory storage keeps them (a sliding window of `ttl`; over
 * `limit`, blocked for `blockDuration`, then counted afresh), in constant time a request. The library's storage keeps
 * one expiry per hit and filters them all at every request, so its cost grows with the limit; this one counts hits
 * per second of the window. Time is read from the {@link Clock}.
 */
export class SlidingWindowRateLimits implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private sweptAt = 0;

  constructor(private readonly clock: Clock) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttler: string): Promise<Hit> {
    const now = Date.parse(this.clock.now());
    const slots = Math.max(1, Math.ceil(ttl / BUCKET_MS));
    this.sweep(now, ttl, slots);
    const id = `${throttler}\u0000${key}`;
    const bucket = Math.floor(now / BUCKET_MS);
    const window = this.windows.get(id) ?? this.opened(id, slots, bucket);
    this.slide(window, bucket, slots);
    if (window.blockedUntil > now) {
      const timeToBlockExpire = secondsUntil(window.blockedUntil, now);
      return { totalHits: window.total + 1, timeToExpire: timeToBlockExpire, isBlocked: true, timeToBlockExpire };
    }
    if (window.blockedUntil > 0) this.reset(window);
    const timeToExpire = (): number => secondsUntil(this.oldestHitLeavesAt(window, bucket, slots), now);
    if (blockDuration <= 0 && window.total >= limit) {
      // no block: a request over the limit is refused, uncounted, until the oldest hit leaves the window
      const wait = timeToExpire();
      return { totalHits: window.total + 1, timeToExpire: wait, isBlocked: true, timeToBlockExpire: wait };
    }
    window.buckets[bucket % slots]! += 1;
    window.total += 1;
    if (window.total > limit) {
      window.blockedUntil = now + blockDuration;
      const timeToBlockExpire = secondsUntil(window.blockedUntil, now);
      return { totalHits: window.total, timeToExpire: timeToBlockExpire, isBlocked: true, timeToBlockExpire };
    }
    return { totalHits: window.total, timeToExpire: timeToExpire(), isBlocked: false, timeToBlockExpire: 0 };
  }

  private opened(id: string, slots: number, bucket: number): Window {
    const window: Window = {
      buckets: new Array<number>(slots).fill(0),
      newestBucket: bucket,
      total: 0,
      blockedUntil: 0,
    };
    this.windows.set(id, window);
    return window;
  }

  /** Drops the seconds that left the window since its newest hit. */
  private slide(window: Window, bucket: number, slots: number): void {
    if (bucket - window.newestBucket >= slots) {
      window.buckets.fill(0);
      window.total = 0;
    } else {
      for (let passed = window.newestBucket + 1; passed <= bucket; passed++) {
        window.total -= window.buckets[passed % slots]!;
        window.buckets[passed % slots] = 0;
      }
    }
    window.newestBucket = Math.max(window.newestBucket, bucket);
  }

  private reset(window: Window): void {
    window.buckets.fill(0);
    window.total = 0;
    window.blockedUntil = 0;
  }

  private oldestHitLeavesAt(window: Window, bucket: number, slots: number): number {
    for (let older = bucket - slots + 1; older <= bucket; older++) {
      if (window.buckets[older % slots]! > 0) return (older + slots) * BUCKET_MS;
    }
    return (bucket + slots) * BUCKET_MS;
  }

  /** Forgets, once a window's length, the callers with no hit in the window and no block running. */
  private sweep(now: number, ttl: number, slots: number): void {
    if (now - this.sweptAt < ttl) return;
    this.sweptAt = now;
    const bucket = Math.floor(now / BUCKET_MS);
    for (const [id, window] of this.windows) {
      if (window.blockedUntil <= now && bucket - window.newestBucket >= slots) this.windows.delete(id);
    }
  }
}
