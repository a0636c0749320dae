import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

const logger = new Logger('Redis');

/**
 * Workers block on Redis and must never give up a command (BullMQ requires `maxRetriesPerRequest: null`);
 * queues and health checks must fail fast rather than buffer commands while Redis is away.
 */
export type RedisRole = 'worker' | 'queue';

export const createRedisConnection = (url: string, role: RedisRole): Redis => {
  const redis = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2_000,
  });
  reportThroughLogger(redis, role);
  return redis;
};

/**
 * ioredis prints `[ioredis] Unhandled error event` on stderr, outside the log format, for an error nobody listens
 * to. The connection reconnects by itself; the log says once when it was lost and once when it is back.
 */
const reportThroughLogger = (redis: Redis, role: RedisRole): void => {
  let isDown = false;
  redis.on('error', (error: Error) => {
    if (isDown) return;
    isDown = true;
    logger.warn(`${role} connection to Redis lost (${error.message}); reconnecting`);
  });
  redis.on('ready', () => {
    if (!isDown) return;
    isDown = false;
    logger.log(`${role} connection to Redis is back`);
  });
};

/** Resolves when Redis answers PING within `timeoutMs`, rejects otherwise. */
export const pingRedis = async (redis: Redis, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs} ms (connection ${redis.status})`)),
      timeoutMs,
    );
  });
  // A queue-side connection refuses commands until it is ready, so a ping right after start waits for it.
  const ready = redis.status === 'ready' ? Promise.resolve() : once(redis, 'ready');
  try {
    await Promise.race([ready.then(() => redis.ping()), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** An ioredis connection, or BullMQ's view of one. */
interface ConnectionEvents {
  readonly status: string;
  once(event: 'ready' | 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready' | 'error', listener: (error: Error) => void): unknown;
}

/** Whether the connection is ready within `timeoutMs`; `failOnError` rejects at its first error instead of waiting. */
const readyWithin = async (redis: ConnectionEvents, timeoutMs: number, failOnError: boolean): Promise<boolean> => {
  if (redis.status === 'ready') return true;
  let timer: NodeJS.Timeout | undefined;
  let onError: ((error: Error) => void) | undefined;
  let onReady: (() => void) | undefined;
  try {
    return await new Promise<boolean>((resolve, reject) => {
      onReady = () => resolve(true);
      timer = setTimeout(() => resolve(false), timeoutMs);
      redis.once('ready', onReady);
      if (failOnError) redis.once('error', (onError = reject));
    });
  } finally {
    clearTimeout(timer);
    if (onReady) redis.off('ready', onReady);
    if (onError) redis.off('error', onError);
  }
};

/** Resolves once the connection is ready (a connection without offline queue refuses commands before that). */
export const whenRedisReady = async (redis: Redis, timeoutMs: number): Promise<void> => {
  if (!(await readyWithin(redis, timeoutMs, true))) throw new Error(`not ready within ${timeoutMs} ms`);
};

/** Whether the connection is ready within `timeoutMs`, through the errors of its reconnection attempts. */
export const isReadyWithin = (redis: ConnectionEvents, timeoutMs: number): Promise<boolean> =>
  readyWithin(redis, timeoutMs, false);
