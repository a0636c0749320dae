import type { Clock, Instant } from '@app/clock';
import { SubscriptionRefused } from '../port/event-store.errors';
import type { AllFilter, EventStore, RecordedEvent, Subscription } from '../port/event-store.port';

/**
 * What follows the log through a {@link LogProcessor}: a projector (batches applied in one transaction with their
 * checkpoint) or a reactor (one event at a time, its checkpoint saved with its effect where it can).
 */
export interface LogFollower {
  /** Also how logs and `/health` name it. */
  readonly name: string;
  readonly filter?: AllFilter;
  /** Events per batch while catching up by reading pages; absent: it follows the subscription from the start. Live,
   * it gets the events that arrived while it handled the last batch, or within one turn of the event loop. */
  readonly batchSize?: number;
  /** Where to resume: the position of the last event handled or scanned past; `undefined` for the start. */
  checkpoint(): Promise<number | undefined>;
  /** Called each time before following the log, with its checkpoint; it may move it, as the checkpoint is read again. */
  prepare?(after: number | undefined): Promise<void>;
  /** Handles events in log order, at least once each, and moves the checkpoint to the last. */
  handle(events: readonly RecordedEvent[]): Promise<void>;
  /** The log was scanned up to `position` with nothing more for this follower: moves the checkpoint there. */
  skipTo(position: number): Promise<void>;
}

export type ProcessorState = 'idle' | 'catching-up' | 'live' | 'retrying' | 'failed' | 'stopped';

export interface ProcessorFailure {
  readonly error: string;
  /** When the current run of failures began. */
  readonly since: Instant;
  readonly attempts: number;
}

export interface ProcessorStatus {
  readonly name: string;
  readonly state: ProcessorState;
  /** The last position handled or scanned past. */
  readonly checkpoint: number | undefined;
  /** Set while it retries, and once it has given up. */
  readonly failure?: ProcessorFailure;
}

/** Capped exponential backoff between attempts to follow the log again. */
export interface ProcessorRetry {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_PROCESSOR_RETRY: ProcessorRetry = { initialDelayMs: 250, maxDelayMs: 30_000 };

export interface ProcessorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LogProcessorOptions {
  readonly clock: Clock;
  readonly logger: ProcessorLogger;
  readonly retry?: ProcessorRetry;
  /** An error no retry can cure: the processor stops and reports it. Default: the store refused the subscription. */
  readonly isPermanent?: (error: unknown) => boolean;
  /** Told each change of state, e.g. when it first follows the log live. */
  readonly onStateChange?: (state: ProcessorState) => void;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Hands `follower` every event after `after` that the log holds now, in batches of its `batchSize` (default 5 000),
 * until the log is exhausted or `shouldStop` says so; returns the last position handled.
 */
export const catchUpFollower = async (
  store: EventStore,
  follower: LogFollower,
  after: number | undefined,
  onBatch: (last: number, count: number) => void = () => undefined,
  shouldStop: () => boolean = () => false,
): Promise<number | undefined> => {
  let position = after;
  for (;;) {
    const batch: RecordedEvent[] = [];
    const filter = follower.filter ? { filter: follower.filter } : {};
    for await (const event of store.readAll({ after: position, maxCount: follower.batchSize ?? 5_000, ...filter }))
      batch.push(event);
    if (batch.length === 0 || shouldStop()) return position;
    await follower.handle(batch);
    position = (batch[batch.length - 1] as RecordedEvent).position;
    onBatch(position, batch.length);
    // The reads and writes are synchronous underneath: without a turn of the event loop between batches, a long
    // catch-up would keep the process from answering anything, `/health` included, until it ends.
    await yieldToEventLoop();
  }
};

/** Events handed live are handed together once this many wait, even if the last batch is still being handled. */
const LIVE_BATCH_LIMIT = 1_000;

/**
 * Live, the subscription hands one event at a time; the follower gets them in batches: those that arrived while it
 * handled the last batch, or during one turn of the event loop. A projector commits a batch in one transaction where it
 * would commit each event alone. A batch that fails ends the subscription (`failed`): the processor follows again
 * from the follower's checkpoint, which never counts events it has not handled.
 */
class LiveBatches {
  private pending: RecordedEvent[] = [];
  private handling: Promise<void> | undefined;
  private fail: (error: unknown) => void = () => undefined;
  private isAbandoned = false;
  readonly failed = new Promise<never>((_, reject) => (this.fail = reject));

  constructor(
    private readonly follower: LogFollower,
    private readonly moved: (position: number) => void,
  ) {
    // Not swallowed: `follow` races `failed`, stops the subscription and rethrows, so the processor's retry loop logs
    // the first failure, backs off and shows it in `status` (`/health`, `/metrics`); this only keeps Node from calling
    // the rejection unhandled before `follow` awaits it.
    this.failed.catch(() => undefined);
  }

  async add(event: RecordedEvent): Promise<void> {
    if (this.isAbandoned) return;
    this.pending.push(event);
    this.handling ??= this.handleInTurn();
    if (this.pending.length >= LIVE_BATCH_LIMIT) await this.drained();
  }

  /** Drops what waits and takes nothing more. */
  abandon(): void {
    this.isAbandoned = true;
    this.pending = [];
  }

  /** Resolves once every event added so far is handled (or has failed: `failed` says so). */
  async drained(): Promise<void> {
    while (this.handling) await this.handling;
  }

  private async handleInTurn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.length > 0 && !this.isAbandoned) {
        const batch = this.pending;
        this.pending = [];
        await this.follower.handle(batch);
        this.moved((batch[batch.length - 1] as RecordedEvent).position);
      }
    } catch (error) {
      this.abandon();
      this.fail(error);
    } finally {
      this.handling = undefined;
    }
  }
}

const isRefusal = (error: unknown): boolean => error instanceof SubscriptionRefused;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The one way the engine follows its log: catch-up then live, at least once, from the follower's checkpoint, which
 * moves to the last scanned position even when the filter matched nothing. Any failure (store unavailable, disk full,
 * a handler's error) starts it again from the checkpoint after a capped exponential backoff: logged at the first
 * failure and on recovery, visible in {@link status} meanwhile. Only a permanent error stops it, logged once.
 */
export class LogProcessor {
  private state: ProcessorState = 'idle';
  private position: number | undefined;
  private failure: ProcessorFailure | undefined;
  private subscription: Subscription | undefined;
  private isStopping = false;
  private wakeUp: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly follower: LogFollower,
    private readonly options: LogProcessorOptions,
  ) {}

  get status(): ProcessorStatus {
    return {
      name: this.follower.name,
      state: this.state,
      checkpoint: this.position,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.isStopping = true;
    this.wakeUp?.();
    await this.subscription?.stop();
    await this.running;
    if (this.state !== 'failed') this.setState('stopped');
  }

  private async run(): Promise<void> {
    const retry = this.options.retry ?? DEFAULT_PROCESSOR_RETRY;
    while (!this.isStopping) {
      try {
        await this.follow();
        return;
      } catch (error) {
        if (this.isStopping) return;
        const attempts = (this.failure?.attempts ?? 0) + 1;
        this.failure = { error: describe(error), since: this.failure?.since ?? this.options.clock.now(), attempts };
        if ((this.options.isPermanent ?? isRefusal)(error)) {
          this.setState('failed');
          this.options.logger.error(`${this.follower.name} stopped following the log: ${describe(error)}`);
          return;
        }
        if (attempts === 1) {
          this.options.logger.warn(
            `${this.follower.name} failed (${describe(error)}); following the log again from its checkpoint, with backoff up to ${retry.maxDelayMs} ms`,
          );
        }
        this.setState('retrying');
        await this.pause(Math.min(retry.initialDelayMs * 2 ** (attempts - 1), retry.maxDelayMs));
      }
    }
  }

  private async follow(): Promise<void> {
    const { follower, store } = this;
    await follower.prepare?.(await follower.checkpoint());
    // preparing may move the checkpoint: read models found to follow another log start again from zero
    let after = await follower.checkpoint();
    this.position = after;
    if (follower.batchSize !== undefined) {
      this.setState('catching-up');
      after = await catchUpFollower(
        store,
        follower,
        after,
        (last) => this.moved(last),
        () => this.isStopping,
      );
    }
    if (this.isStopping) return;
    this.setState('live');
    // Nothing left to read: the store answers and nothing fails, which ends a run of failures on an idle log.
    const head = await store.headPosition();
    if (head === undefined || (after !== undefined && head <= after)) this.moved(after);
    const live = new LiveBatches(follower, (position) => this.moved(position));
    this.subscription = store.subscribeToAll(
      {
        after,
        ...this.filter(),
        onCheckpoint: async (position) => {
          await live.drained();
          await follower.skipTo(position);
          this.moved(position);
        },
      },
      (event) => live.add(event),
    );
    const subscription = this.subscription;
    try {
      await Promise.race([subscription.done, live.failed]);
    } catch (error) {
      await subscription.stop();
      // what was read past the failure is read again from the checkpoint, once the batch in hand is done
      live.abandon();
      await live.drained();
      throw error;
    }
    await live.drained();
  }

  private filter(): { readonly filter?: AllFilter } {
    return this.follower.filter ? { filter: this.follower.filter } : {};
  }

  /** The checkpoint moved: a run of failures, if any, is over. */
  private moved(position: number | undefined): void {
    this.position = position;
    if (this.failure && this.state !== 'failed') {
      this.options.logger.log(`${this.follower.name} follows the log again after ${this.failure.attempts} failure(s)`);
      this.failure = undefined;
    }
    if (this.state === 'retrying') this.setState('live');
  }

  private setState(state: ProcessorState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
