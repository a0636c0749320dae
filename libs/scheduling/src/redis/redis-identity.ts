import type { Redis } from 'ioredis';

/** What may have emptied Redis: a new server (its `run_id` changed) or a reconnection to the same one. */
export type RedisChange =
  | { readonly kind: 'restarted'; readonly previousRunId: string; readonly runId: string }
  | { readonly kind: 'reconnected'; readonly runId: string };

const RUN_ID = /^run_id:(\w+)/m;

/** The `run_id` of INFO server: a new value at every start of the server, whether or not it kept its data. */
export const redisRunId = async (redis: Redis): Promise<string> => {
  const runId = RUN_ID.exec(await redis.info('server'))?.[1];
  if (runId === undefined) throw new Error('INFO server has no run_id');
  return runId;
};

/**
 * Tells `onChange` when the Redis behind `connection` may have lost its data: at each reconnection, saying whether
 * it is another server (a restart, typically without persistence) or the same one; {@link check} also notices a
 * restart between two reconnections' events, when asked (by a periodic reconciliation).
 */
export class RedisIdentityWatch {
  private readonly onReady = (): void => void this.check(true);

  private constructor(
    private readonly connection: Redis,
    private runId: string,
    private readonly onChange: (change: RedisChange) => void,
    private readonly onError: (error: Error) => void,
  ) {
    connection.on('ready', this.onReady);
  }

  static async start(
    connection: Redis,
    onChange: (change: RedisChange) => void,
    onError: (error: Error) => void,
  ): Promise<RedisIdentityWatch> {
    return new RedisIdentityWatch(connection, await redisRunId(connection), onChange, onError);
  }

  /** Reads the `run_id` again; tells of a restart when it changed, of a reconnection when `isReconnection`. */
  async check(isReconnection = false): Promise<void> {
    try {
      const runId = await redisRunId(this.connection);
      const previousRunId = this.runId;
      this.runId = runId;
      if (runId !== previousRunId) this.onChange({ kind: 'restarted', previousRunId, runId });
      else if (isReconnection) this.onChange({ kind: 'reconnected', runId });
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  stop(): void {
    this.connection.off('ready', this.onReady);
  }
}
