import { hostname } from 'node:os';
import type { Clock } from '@app/clock';
import type { Redis } from 'ioredis';

const KEY_PREFIX = 'sla:worker-heartbeat:';
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A worker that has not beaten for this long is taken for gone: its key expires. */
export const HEARTBEAT_TTL_MS = 30_000;

export interface WorkerBeat {
  readonly workerId: string;
  readonly beatAt: string;
}

/** This process's worker id: the host (the container, in the compose layout) and the process. */
export const workerIdOfThisProcess = (): string => `${hostname()}-${process.pid}`;

/**
 * A worker says it is alive by a Redis key that expires unless it is renewed: a worker that crashed, hangs or lost
 * Redis disappears from {@link liveWorkers} within {@link HEARTBEAT_TTL_MS}.
 */
export class WorkerHeartbeat {
  private constructor(
    private readonly redis: Redis,
    private readonly workerId: string,
    private readonly timer: NodeJS.Timeout,
  ) {}

  static async start(
    redis: Redis,
    workerId: string,
    clock: Clock,
    onError: (error: Error) => void,
  ): Promise<WorkerHeartbeat> {
    const beat = () =>
      redis.set(KEY_PREFIX + workerId, JSON.stringify({ workerId, beatAt: clock.now() }), 'PX', HEARTBEAT_TTL_MS);
    await beat();
    // A missed beat is retried by the next one, and said once until one succeeds; the key's expiry is what reports
    // a worker that stays silent.
    let isFailing = false;
    const timer = setInterval(
      () =>
        beat().then(
          () => (isFailing = false),
          (error: Error) => {
            if (!isFailing) onError(error);
            isFailing = true;
          },
        ),
      HEARTBEAT_INTERVAL_MS,
    );
    timer.unref();
    return new WorkerHeartbeat(redis, workerId, timer);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // Without Redis there is nothing to delete now: the key expires by itself.
    if (this.redis.status === 'ready') await this.redis.del(KEY_PREFIX + this.workerId);
  }
}

/** The workers whose heartbeat has not expired. */
export const liveWorkers = async (redis: Redis): Promise<WorkerBeat[]> => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 100);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values.flatMap((value) => (value ? [JSON.parse(value) as WorkerBeat] : []));
};
