import type { AllFilter, EventStore, RecordedEvent, Subscription } from '@app/event-store';
import type { CheckpointStore } from './checkpoint-store';

/** Reacts to events of the log, at least once each: `handle` must be idempotent. */
export interface Reactor {
  /** Also the key of its checkpoint. */
  readonly name: string;
  readonly filter?: AllFilter;
  /** Called each time before following the log, with the checkpoint it resumes after: rebuilds what it keeps in memory. */
  prepare?(after: number | undefined): Promise<void>;
  handle(event: RecordedEvent): Promise<void>;
}

export interface ReactorRunnerOptions {
  /** Receives a failure of `handle`; the runner then subscribes again from its checkpoint after `retryDelayMs`. */
  readonly onError: (error: unknown) => void;
  /** Default 1000. */
  readonly retryDelayMs?: number;
}

/** Follows the log from a reactor's checkpoint and moves the checkpoint after each handled event. */
export class ReactorRunner {
  private subscription: Subscription | undefined;
  private isStopped = false;
  private wakeUp: (() => void) | undefined;
  private readonly running: Promise<void>;
  private lastPosition: number | undefined;

  private constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly reactor: Reactor,
    private readonly options: ReactorRunnerOptions,
  ) {
    this.running = this.run();
  }

  static start(
    store: EventStore,
    checkpoints: CheckpointStore,
    reactor: Reactor,
    options: ReactorRunnerOptions,
  ): ReactorRunner {
    return new ReactorRunner(store, checkpoints, reactor, options);
  }

  /** The position of the last event this runner handled, if any. */
  get position(): number | undefined {
    return this.lastPosition;
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    this.wakeUp?.();
    await this.subscription?.stop();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.isStopped) {
      try {
        await this.follow();
        return;
      } catch (error) {
        if (this.isStopped) return;
        this.options.onError(error);
        await this.pause(this.options.retryDelayMs ?? 1_000);
      }
    }
  }

  private async follow(): Promise<void> {
    const after = await this.checkpoints.load(this.reactor.name);
    await this.reactor.prepare?.(after);
    if (this.isStopped) return;
    this.subscription = this.store.subscribeToAll(
      { ...(after === undefined ? {} : { after }), ...(this.reactor.filter ? { filter: this.reactor.filter } : {}) },
      async (event) => {
        await this.reactor.handle(event);
        await this.checkpoints.save(this.reactor.name, event.position);
        this.lastPosition = event.position;
      },
    );
    await this.subscription.done;
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
