import { Logger } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';
import type { Clock } from '@app/clock';
import {
  catchUpFollower,
  type EventStore,
  type LogFollower,
  LogProcessor,
  type ProcessorRetry,
  type ProcessorState,
  type ProcessorStatus,
  type RecordedEvent,
} from '@app/event-store';
import type { BoundProjection as Binding, Projection } from './projection';
import { FORGOTTEN_VERSION, forgetReadModels, type ReadModelDb } from './read-model-db';

export type RunnerState = ProcessorState;

/** How far the read models are behind the log, from positions: no event is counted. */
export interface ProjectionLag {
  readonly state: RunnerState;
  /** Position of the last event every model has applied; `null` before the first. */
  readonly checkpoint: number | null;
  /** Position of the last event of the log; `null` while it is empty. */
  readonly head: number | null;
  /** `head - checkpoint`: on the embedded store the events not applied yet; on EventStoreDB, bytes of the log. */
  readonly behind: number;
  /** How long the oldest event not yet applied has been in the log; 0 when caught up. */
  readonly seconds: number;
  readonly error?: string;
}

export interface CatchUpProgress {
  readonly events: number;
  readonly position: number;
}

export interface ProjectionRunnerOptions {
  /** Events applied per transaction while catching up (default 20 000). */
  readonly batchSize?: number;
  readonly retry?: ProcessorRetry;
}

// Each commit writes again every index page its batch touched: fewer, larger batches write far less while catching up.
const DEFAULT_BATCH_SIZE = 20_000;

interface BoundProjection {
  readonly projection: Projection;
  binding: Binding;
  checkpoint: number | null;
}

interface CheckpointRow {
  readonly name: string;
  readonly version: number;
  readonly position: number | null;
}

const isAfter = (position: number, checkpoint: number | null): boolean => checkpoint === null || position > checkpoint;

/**
 * The projector flavour of the log processor: follows the log from each model's checkpoint, catching up in batches,
 * then live. Each batch updates the models and their checkpoints in one SQLite transaction, so a crash replays at most
 * the batch that did not commit; a failure (disk full, a busy file) is retried from the checkpoints with backoff.
 */
export class ProjectionRunner {
  private readonly appliedEvents = new Subject<RecordedEvent>();
  private readonly logger = new Logger('Projections');
  private readonly bound: BoundProjection[];
  private readonly projections: readonly Projection[];
  private readonly applyBatch: (events: readonly RecordedEvent[]) => void;
  private readonly processor: LogProcessor;
  private readonly follower: LogFollower;
  private isStopping = false;
  private readonly waiters = new Set<{ readonly position: number; readonly resolve: () => void }>();
  private readonly liveWaiters = new Set<() => void>();

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    projections: readonly Projection[],
    private readonly clock: Clock,
    options: ProjectionRunnerOptions = {},
  ) {
    this.projections = projections;
    this.bound = prepareProjections(db, projections, this.logger);
    const saveCheckpoint = db.prepare('UPDATE projection_checkpoints SET position = ? WHERE name = ?');
    const saveLogIdentity = db.prepare('INSERT OR REPLACE INTO projection_log (id, first_event_id) VALUES (1, ?)');
    this.applyBatch = db.transaction((events: readonly RecordedEvent[]) => {
      // from no checkpoint the batch begins with the log's first event: the file's first checkpoint comes with it
      if (this.checkpoint === null) saveLogIdentity.run((events[0] as RecordedEvent).id);
      for (const event of events) {
        for (const projection of this.bound) {
          if (isAfter(event.position, projection.checkpoint)) projection.binding.apply(event);
        }
      }
      for (const projection of this.bound) projection.binding.flush?.();
      const last = (events[events.length - 1] as RecordedEvent).position;
      for (const projection of this.bound) {
        if (isAfter(last, projection.checkpoint)) saveCheckpoint.run(last, projection.projection.name);
      }
    });
    this.follower = {
      name: 'read models',
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      checkpoint: async () => this.checkpoint ?? undefined,
      prepare: () => this.checkLogIdentity(),
      handle: async (events) => this.commit(events),
      // Every event concerns the read models: the processor never skips one.
      skipTo: async () => undefined,
    };
    this.processor = new LogProcessor(store, this.follower, {
      clock,
      logger: this.logger,
      onStateChange: (state) => {
        if (state !== 'live') return;
        for (const resolve of this.liveWaiters) resolve();
        this.liveWaiters.clear();
      },
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }

  /** Every event once its transaction has committed, in log order: the source of the live stream. */
  get applied(): Observable<RecordedEvent> {
    return this.appliedEvents.asObservable();
  }

  /** The position every model has reached. */
  get checkpoint(): number | null {
    return this.bound.reduce<number | null>(
      (lowest, { checkpoint }) => (lowest === null || checkpoint === null ? null : Math.min(lowest, checkpoint)),
      this.bound[0]?.checkpoint ?? null,
    );
  }

  get state(): RunnerState {
    return this.processor.status.state;
  }

  /** How its processor follows the log, as `/health` lists every follower. */
  get status(): ProcessorStatus {
    return this.processor.status;
  }

  /** Catches up, then follows the log, in the background; {@link lag} reports how it goes. */
  start(): void {
    this.processor.start();
  }

  /** Resolves once the runner has caught up with the log as it was when it started, and follows it live. */
  whenLive(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    return new Promise((resolve) => this.liveWaiters.add(resolve));
  }

  /** Applies every event after the checkpoint that is in the log now, in batches; returns how many it applied. */
  async catchUp(onProgress?: (progress: CatchUpProgress) => void): Promise<number> {
    if (this.bound.length === 0) return 0;
    await this.checkLogIdentity();
    let applied = 0;
    await catchUpFollower(
      this.store,
      this.follower,
      this.checkpoint ?? undefined,
      (position, count) => {
        applied += count;
        onProgress?.({ events: applied, position });
      },
      () => this.isStopping,
    );
    return applied;
  }

  /** Resolves once every model has applied the event at `position`. */
  waitFor(position: number, timeoutMs: number): Promise<void> {
    const checkpoint = this.checkpoint;
    if (checkpoint !== null && checkpoint >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`read models did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  async lag(): Promise<ProjectionLag> {
    const checkpoint = this.checkpoint;
    const head = (await this.store.headPosition()) ?? null;
    let oldest: string | undefined;
    for await (const event of this.store.readAll({ after: checkpoint ?? undefined, maxCount: 1 }))
      oldest = event.metadata.recordedAt;
    const seconds = oldest ? Math.max(0, (Date.parse(this.clock.now()) - Date.parse(oldest)) / 1000) : 0;
    const behind = head === null ? 0 : Math.max(0, head - (checkpoint ?? 0));
    const { state, failure } = this.processor.status;
    return { state, checkpoint, head, behind, seconds, ...(failure ? { error: failure.error } : {}) };
  }

  async stop(): Promise<void> {
    this.isStopping = true;
    await this.processor.stop();
    this.appliedEvents.complete();
  }

  /**
   * The read-model file remembers the first event of the log it follows: pointed at another log (a new store, a test's
   * store), every model starts again from zero instead of trusting checkpoints that mean nothing there.
   */
  private async checkLogIdentity(): Promise<void> {
    let first: string | null = null;
    for await (const event of this.store.readAll({ maxCount: 1 })) first = event.id;
    const stored = this.db.prepare<[], { first_event_id: string }>('SELECT first_event_id FROM projection_log').get();
    const isOtherLog = stored ? stored.first_event_id !== first : this.bound.some((p) => p.checkpoint !== null);
    if (isOtherLog) {
      this.db.prepare('DELETE FROM projection_log').run();
      forgetReadModels(this.db);
      this.bound.splice(0, this.bound.length, ...prepareProjections(this.db, this.projections, this.logger));
    }
  }

  private commit(events: readonly RecordedEvent[]): void {
    const fresh = events.filter((event) => isAfter(event.position, this.checkpoint));
    if (fresh.length === 0) return;
    try {
      this.applyBatch(fresh);
    } catch (error) {
      // what a model kept in memory for the failed batch goes with its binding, before the batch is applied again
      for (const bound of this.bound) bound.binding = bound.projection.bind(this.db);
      throw error;
    }
    const last = (fresh[fresh.length - 1] as RecordedEvent).position;
    for (const projection of this.bound) {
      if (isAfter(last, projection.checkpoint)) projection.checkpoint = last;
    }
    for (const event of fresh) this.appliedEvents.next(event);
    for (const waiter of this.waiters) {
      if (waiter.position <= last) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/** Creates missing tables; a model whose version changed loses its tables and checkpoint, so it rebuilds. */
const prepareProjections = (db: ReadModelDb, projections: readonly Projection[], logger: Logger): BoundProjection[] => {
  const stored = new Map(
    (db.prepare('SELECT name, version, position FROM projection_checkpoints').all() as CheckpointRow[]).map((row) => [
      row.name,
      row,
    ]),
  );
  const reset = db.transaction((projection: Projection) => {
    for (const table of projection.tables) db.exec(`DROP TABLE IF EXISTS ${table}`);
    db.prepare(
      'INSERT INTO projection_checkpoints (name, version, position) VALUES (?, ?, NULL) ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = NULL',
    ).run(projection.name, projection.version);
  });
  return projections.map((projection) => {
    const row = stored.get(projection.name);
    const isCurrent = row?.version === projection.version;
    if (!isCurrent) reset(projection);
    if (row && !isCurrent) {
      const why =
        row.version === FORGOTTEN_VERSION
          ? 'its checkpoint was forgotten'
          : `version ${row.version} is now ${projection.version}`;
      logger.log(`read model ${projection.name} is built again from the start of the log: ${why}`);
    }
    projection.migrate(db);
    return { projection, binding: projection.bind(db), checkpoint: isCurrent ? row.position : null };
  });
};
