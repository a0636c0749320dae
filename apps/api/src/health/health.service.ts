import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { type ProjectionLag, ProjectionRunner, type RunnerState } from '@app/projections';
import { REDIS, pingRedis } from '@app/scheduling';

const CHECK_TIMEOUT_MS = 1_000;

export type DependencyState =
  | { readonly status: 'up' }
  | { readonly status: 'down'; readonly error: string }
  | { readonly status: 'not-configured'; readonly note: string };

/** The read models' lag; `down` once the runner no longer follows the log, however small the lag. */
export type ProjectionsState =
  ({ readonly status: 'up' | 'down' } & ProjectionLag) | { readonly status: 'down'; readonly error: string };

export interface HealthReport {
  readonly status: 'up' | 'down';
  readonly dependencies: Readonly<Record<string, DependencyState>>;
  readonly projections: ProjectionsState;
}

/** What anyone may see: the status of the whole and of each component, no error text, no log position. */
export interface HealthSummary {
  readonly status: 'up' | 'down';
  readonly dependencies: Readonly<Record<string, { readonly status: DependencyState['status'] }>>;
  readonly projections: { readonly status: 'up' | 'down' };
}

export const summaryOf = ({ status, dependencies, projections }: HealthReport): HealthSummary => ({
  status,
  dependencies: Object.fromEntries(
    Object.entries(dependencies).map(([name, state]) => [name, { status: state.status }]),
  ),
  projections: { status: projections.status },
});

// A lagging read side still answers, only late: that is for the lag figures to tell, not for the status.
const NOT_FOLLOWING: ReadonlySet<RunnerState> = new Set(['failed', 'stopped']);

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const probe = async (check: () => Promise<void>): Promise<DependencyState> => {
  try {
    await check();
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: describe(error) };
  }
};

@Injectable()
export class HealthService {
  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly eventStore: EventStore | null,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
    private readonly runner: ProjectionRunner,
  ) {}

  async report(): Promise<HealthReport> {
    const [eventStore, redis, projections] = await Promise.all([
      this.eventStore ? probe(() => this.eventStore!.ping()) : Promise.resolve(notConfigured('no event store wired')),
      this.redis
        ? probe(() => pingRedis(this.redis!, CHECK_TIMEOUT_MS))
        : Promise.resolve(notConfigured('REDIS_URL unset: timers run in process')),
      this.projections(),
    ]);
    const dependencies = { eventStore, redis };
    const isDown =
      Object.values(dependencies).some((state) => state.status === 'down') || projections.status === 'down';
    return { status: isDown ? 'down' : 'up', dependencies, projections };
  }

  private async projections(): Promise<ProjectionsState> {
    try {
      const lag = await this.runner.lag();
      return { status: NOT_FOLLOWING.has(lag.state) ? 'down' : 'up', ...lag };
    } catch (error) {
      return { status: 'down', error: describe(error) };
    }
  }
}

const notConfigured = (note: string): DependencyState => ({ status: 'not-configured', note });
