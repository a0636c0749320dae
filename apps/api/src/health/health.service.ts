import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { CLOCK, type Clock } from '@app/clock';
import { EVENT_STORE, type EventStore, LogProcessors, type ProcessorStatus } from '@app/event-store';
import {
  oldestOverdueDeadline,
  type ProjectionLag,
  ProjectionRunner,
  READ_MODEL_DB,
  type ReadModelDb,
  type RunnerState,
} from '@app/projections';
import { HEARTBEAT_TTL_MS, liveWorkers, REDIS, pingRedis } from '@app/scheduling';

const CHECK_TIMEOUT_MS = 1_000;

export type DependencyState =
  | { readonly status: 'up' }
  | { readonly status: 'down'; readonly error: string }
  | { readonly status: 'not-configured'; readonly note: string };

/** The read models' lag; `down` while the runner retries a failure or once it has stopped, however small the lag. */
export type ProjectionsState =
  ({ readonly status: 'up' | 'down' } & ProjectionLag) | { readonly status: 'down'; readonly error: string };

/**
 * Whether timers are being processed: the workers beating their heartbeat (`null` when timers run in this process)
 * and how long the oldest deadline has passed with no breach recorded.
 */
export interface TimersState {
  readonly status: 'up' | 'down';
  readonly workers: number | null;
  readonly oldestOverdueMs: number;
  /** Why it is down, and what to do. */
  readonly reason?: string;
}

/** Every follower of the log in this process; `down` while one retries a failure or once one has stopped. */
export interface ProcessorsState {
  readonly status: 'up' | 'down';
  readonly processors: readonly ProcessorStatus[];
}

export interface HealthReport {
  readonly status: 'up' | 'down';
  readonly dependencies: Readonly<Record<string, DependencyState>>;
  readonly projections: ProjectionsState;
  readonly timers: TimersState;
  readonly processors: ProcessorsState;
}

/** A deadline passed this long ago with no breach recorded means the timers are not being processed. */
export const OVERDUE_LIMIT_MS = 60_000;

/** What anyone may see: the status of the whole and of each component, no error text, no log position. */
export interface HealthSummary {
  readonly status: 'up' | 'down';
  readonly dependencies: Readonly<Record<string, { readonly status: DependencyState['status'] }>>;
  readonly projections: { readonly status: 'up' | 'down' };
  readonly timers: { readonly status: 'up' | 'down' };
  readonly processors: { readonly status: 'up' | 'down' };
}

export const summaryOf = ({ status, dependencies, projections, timers, processors }: HealthReport): HealthSummary => ({
  status,
  dependencies: Object.fromEntries(
    Object.entries(dependencies).map(([name, state]) => [name, { status: state.status }]),
  ),
  projections: { status: projections.status },
  timers: { status: timers.status },
  processors: { status: processors.status },
});

// A lagging read side still answers, only late: that is for the lag figures to tell, not for the status.
const NOT_FOLLOWING: ReadonlySet<RunnerState> = new Set(['retrying', 'failed', 'stopped']);

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
  private readonly logger = new Logger('Health');
  private incident: string | undefined;

  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly eventStore: EventStore | null,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
    private readonly runner: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly logProcessors?: LogProcessors,
  ) {}

  async report(): Promise<HealthReport> {
    const [eventStore, redis, projections, timers] = await Promise.all([
      this.eventStore ? probe(() => this.eventStore!.ping()) : Promise.resolve(notConfigured('no event store wired')),
      this.redis
        ? probe(() => pingRedis(this.redis!, CHECK_TIMEOUT_MS))
        : Promise.resolve(notConfigured('REDIS_URL unset: timers run in process')),
      this.projections(),
      this.timers(),
    ]);
    const dependencies = { eventStore, redis };
    const processors = this.processors();
    const isDown =
      Object.values(dependencies).some((state) => state.status === 'down') ||
      projections.status === 'down' ||
      timers.status === 'down' ||
      processors.status === 'down';
    return { status: isDown ? 'down' : 'up', dependencies, projections, timers, processors };
  }

  /** Also the figures of `/metrics`. */
  processors(): ProcessorsState {
    const processors = this.logProcessors?.statuses ?? [];
    const isDown = processors.some(({ state }) => NOT_FOLLOWING.has(state));
    return { status: isDown ? 'down' : 'up', processors };
  }

  /** Also the figures of `/metrics`. */
  async timers(): Promise<TimersState> {
    const now = this.clock.now();
    // Read models catching up (a first start, a rebuild) still hold deadlines that the log has long since breached.
    const deadline = this.runner.status.state === 'live' ? oldestOverdueDeadline(this.db, now) : null;
    const oldestOverdueMs = deadline ? Date.parse(now) - Date.parse(deadline) : 0;
    let workers: number | null = null;
    if (this.redis) {
      try {
        // The queue-side connection refuses commands until it is ready, as the ping waits for.
        await pingRedis(this.redis, CHECK_TIMEOUT_MS);
        workers = (await liveWorkers(this.redis)).length;
      } catch {
        // Redis down is reported as such among the dependencies; no worker can be seen meanwhile.
        workers = 0;
      }
    }
    const reason =
      workers === 0
        ? `no worker has beaten its heartbeat for ${HEARTBEAT_TTL_MS / 1_000} s: start one (npm run start:worker) or see why they stopped`
        : oldestOverdueMs > OVERDUE_LIMIT_MS
          ? `a deadline passed ${Math.round(oldestOverdueMs / 1_000)} s ago with no breach recorded: check the workers' logs and Redis`
          : undefined;
    this.reportIncident(reason);
    return reason ? { status: 'down', workers, oldestOverdueMs, reason } : { status: 'up', workers, oldestOverdueMs };
  }

  /** One warning when timers stop being processed, one line when they are again: not one per probe. */
  private reportIncident(reason: string | undefined): void {
    if (reason && !this.incident) this.logger.warn(`timers: ${reason}`);
    if (!reason && this.incident) this.logger.log('timers: processed again');
    this.incident = reason;
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
