import { once } from 'node:events';
import { Redis } from 'ioredis';

/**
 * Workers block on Redis and must never give up a command (BullMQ requires `maxRetriesPerRequest: null`);
 * queues and health checks must fail fast rather than buffer commands while Redis is away.
 */
export type RedisRole = 'worker' | 'queue';

export const createRedisConnection = (url: string, role: RedisRole): Redis =>
  new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2_000,
  });

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

interface ConnectionStatus {
  readonly status: string;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** Resolves once the connection is ready or after `timeoutMs`, whichever comes first, whatever errors it meets meanwhile. */
export const readyOrTimeout = async (redis: ConnectionStatus, timeoutMs: number): Promise<void> => {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    await new Promise<void>((resolve) => {
      onReady = resolve;
      timer = setTimeout(resolve, timeoutMs);
      redis.once('ready', onReady);
    });
  } finally {
    clearTimeout(timer);
    if (onReady) redis.off('ready', onReady);
  }
};

/** Resolves once the connection is ready (a connection without offline queue refuses commands before that). */
export const whenRedisReady = async (redis: Redis, timeoutMs: number): Promise<void> => {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onError: ((error: Error) => void) | undefined;
  let onReady: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onError = reject;
      timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
      redis.once('ready', onReady);
      redis.once('error', onError);
    });
  } finally {
    clearTimeout(timer);
    if (onReady) redis.off('ready', onReady);
    if (onError) redis.off('error', onError);
  }
};
