import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { REDIS, pingRedis } from '@app/scheduling';

const CHECK_TIMEOUT_MS = 1_000;

export type DependencyState =
  | { readonly status: 'up' }
  | { readonly status: 'down'; readonly error: string }
  | { readonly status: 'not-configured'; readonly note: string };

export interface HealthReport {
  readonly status: 'up' | 'down';
  readonly dependencies: Readonly<Record<string, DependencyState>>;
}

const probe = async (check: () => Promise<void>): Promise<DependencyState> => {
  try {
    await check();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
};

@Injectable()
export class HealthService {
  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly eventStore: EventStore | null,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  async report(): Promise<HealthReport> {
    const [eventStore, redis] = await Promise.all([
      this.eventStore ? probe(() => this.eventStore!.ping()) : Promise.resolve(notConfigured('no event store wired')),
      this.redis
        ? probe(() => pingRedis(this.redis!, CHECK_TIMEOUT_MS))
        : Promise.resolve(notConfigured('REDIS_URL unset: timers run in process')),
    ]);
    const dependencies = { eventStore, redis };
    const isDown = Object.values(dependencies).some((state) => state.status === 'down');
    return { status: isDown ? 'down' : 'up', dependencies };
  }
}

const notConfigured = (note: string): DependencyState => ({ status: 'not-configured', note });
