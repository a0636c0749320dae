import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fails with one line naming the URL when Redis does not answer: tests that need Redis never skip silently. */
export const requireRedis = async (url: string = TEST_REDIS_URL): Promise<void> => {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis does not answer at ${url} (${error instanceof Error ? error.message : String(error)}): start it (redis-server) or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }
};
