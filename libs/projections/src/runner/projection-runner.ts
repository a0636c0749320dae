import { type Observable, Subject } from 'rxjs';
import type { Clock } from '@app/clock';
import type { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import type { BoundProjection as Binding, Projection } from './projection';
import type { ReadModelDb } from './read-model-db';

export type RunnerState = 'idle' | 'catching-up' | 'live' | 'stopped' | 'failed';

/** How far the read models are behind the log. */
export interface ProjectionLag {
  readonly state: RunnerState;
  /** Position of the last event every model has applied; `null` before the first. */
  readonly checkpoint: number | null;
  /** Events in the log after the checkpoint, counted up to {@link LAG_COUNT_LIMIT}. */
  readonly events: number;
  /** How long the oldest event not yet applied has been in the log; 0 when caught up. */
  readonly seconds: number;
  readonly error?: string;
}

export interface CatchUpProgress {
  readonly events: number;
  readonly position: number;
}

export interface ProjectionRunnerOptions {
  /** Events applied per transaction while catching up (default 5 000). */
  readonly batchSize?: number;
}

export const LAG_COUNT_LIMIT = 100_000;
const DEFAULT_BATCH_SIZE = 5_000;

interface BoundProjection {
  readonly name: string;
  readonly binding: Binding;
  checkpoint: number | null;
}

interface CheckpointRow {
  readonly name: string;
  readonly version: number;
  readonly position: number | null;
}

const isAfter = (position: number, checkpoint: number | null): boolean => checkpoint === null || position > checkpoint;

/**
 * Follows the event log from each model's checkpoint: catches up in batches, then subscribes. Each batch updates the
 * models and their checkpoints in one SQLite transaction, so a crash replays at most the batch that did not commit.
 */
export class ProjectionRunner {
  private readonly appliedEvents = new Subject<RecordedEvent>();
  private readonly bound: BoundProjection[];
  private readonly projections: readonly Projection[];
  private readonly applyBatch: (events: readonly RecordedEvent[]) => void;
  private subscription: Subscription | undefined;
  private state: RunnerState = 'idle';
  private failure: unknown;
  private isStopping = false;
  private readonly waiters = new Set<{ readonly position: number; readonly resolve: () => void }>();

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    projections: readonly Projection[],
    private readonly clock: Clock,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.projections = projections;
    this.bound = prepareProjections(db, projections);
    const saveCheckpoint = db.prepare('UPDATE projection_checkpoints SET position = ? WHERE name = ?');
    this.applyBatch = db.transaction((events: readonly RecordedEvent[]) => {
      for (const event of events) {
        for (const projection of this.bound) {
          if (isAfter(event.position, projection.checkpoint)) projection.binding.apply(event);
        }
      }
      for (const projection of this.bound) projection.binding.flush?.();
      const last = (events[events.length - 1] as RecordedEvent).position;
      for (const projection of this.bound) {
        if (isAfter(last, projection.checkpoint)) saveCheckpoint.run(last, projection.name);
      }
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

  /** Catches up, then follows the log, in the background; {@link lag} reports how it goes. */
  start(): void {
    this.run().catch((error: unknown) => this.fail(error));
  }

  /** Applies every event after the checkpoint that is in the log now, in batches; returns how many it applied. */
  async catchUp(onProgress?: (progress: CatchUpProgress) => void): Promise<number> {
    if (this.bound.length === 0) return 0;
    this.state = 'catching-up';
    await this.checkLogIdentity();
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    let applied = 0;
    for (;;) {
      const batch: RecordedEvent[] = [];
      const after = this.checkpoint ?? undefined;
      for await (const event of this.store.readAll({ after, maxCount: batchSize })) batch.push(event);
      if (batch.length === 0 || this.isStopping) {
        this.state = 'idle';
        return applied;
      }
      this.commit(batch);
      applied += batch.length;
      onProgress?.({ events: applied, position: (batch[batch.length - 1] as RecordedEvent).position });
    }
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
    let events = 0;
    let oldest: string | undefined;
    for await (const event of this.store.readAll({ after: checkpoint ?? undefined, maxCount: LAG_COUNT_LIMIT })) {
      oldest ??= event.metadata.recordedAt;
      events++;
    }
    const seconds = oldest ? Math.max(0, (Date.parse(this.clock.now()) - Date.parse(oldest)) / 1000) : 0;
    const error = this.state === 'failed' ? { error: describe(this.failure) } : {};
    return { state: this.state, checkpoint, events, seconds, ...error };
  }

  async stop(): Promise<void> {
    this.isStopping = true;
    await this.subscription?.stop();
    if (this.state !== 'failed') this.state = 'stopped';
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
      this.db.prepare('UPDATE projection_checkpoints SET version = -1').run();
      this.bound.splice(0, this.bound.length, ...prepareProjections(this.db, this.projections));
    }
    if (first !== null && stored?.first_event_id !== first) {
      this.db.prepare('INSERT OR REPLACE INTO projection_log (id, first_event_id) VALUES (1, ?)').run(first);
    }
  }

  private async run(): Promise<void> {
    await this.catchUp();
    if (this.isStopping) return;
    this.state = 'live';
    this.subscription = this.store.subscribeToAll({ after: this.checkpoint ?? undefined }, async (event) => {
      if (isAfter(event.position, this.checkpoint)) this.commit([event]);
    });
    await this.subscription.done;
  }

  private commit(events: readonly RecordedEvent[]): void {
    this.applyBatch(events);
    const last = (events[events.length - 1] as RecordedEvent).position;
    for (const projection of this.bound) {
      if (isAfter(last, projection.checkpoint)) projection.checkpoint = last;
    }
    for (const event of events) this.appliedEvents.next(event);
    for (const waiter of this.waiters) {
      if (waiter.position <= last) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private fail(error: unknown): void {
    this.state = 'failed';
    this.failure = error;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Makes every model start again from position zero at the next runner made on this file (`cli rebuild-projections`). */
export const forgetReadModels = (db: ReadModelDb): void => {
  db.prepare('UPDATE projection_checkpoints SET version = -1').run();
};

/** Creates missing tables; a model whose version changed loses its tables and checkpoint, so it rebuilds. */
const prepareProjections = (db: ReadModelDb, projections: readonly Projection[]): BoundProjection[] => {
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
    projection.migrate(db);
    return { name: projection.name, binding: projection.bind(db), checkpoint: isCurrent ? row.position : null };
  });
};
