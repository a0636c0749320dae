import type { RecordedEvent, SubscribeOptions, Subscription } from '../port/event-store.port';

/** Counts local appends so that a reader can wait for the next one without missing one that came in between. */
export class AppendSignal {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  notify(): void {
    this.version++;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Resolves once the version moves past `seen` or `signal` aborts. */
  wait(seen: number, signal: AbortSignal): Promise<void> {
    if (this.version !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        signal.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      signal.addEventListener('abort', wake);
      this.waiters.add(wake);
    });
  }
}

/** Events after a position, and how far the read looked. */
export interface PollingPage {
  /** Events strictly after the position asked for (the filter already applied), in global order. */
  readonly events: readonly RecordedEvent[];
  /** The position up to which the read saw every event, matching or not; `undefined` while the log is empty. */
  readonly scannedTo: number | undefined;
}

export interface PollingSource {
  readPage(after: number | undefined): Promise<PollingPage>;
  /** Notified of every append the subscription may not have read yet, whichever process made it. */
  readonly appends: AppendSignal;
}

/**
 * A live subscription woken by an append reads this much later, so that the appends of concurrent requests are read
 * as one page (one read and, for a projection, one write transaction) rather than one each.
 */
const LIVE_BATCH_MS = 5;

const delay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * Catch-up then live by reading pages after the last handled position; the handler runs one event at a time. When a
 * page looked further than its last event, `onCheckpoint` hears how far, so the next read starts there.
 */
export const pollingSubscription = (
  { after, onCheckpoint }: SubscribeOptions,
  source: PollingSource,
  handler: (event: RecordedEvent) => Promise<void>,
  onEnd: (subscription: Subscription) => void,
): Subscription => {
  const abort = new AbortController();
  let checkpoint = after;
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      const seen = source.appends.current;
      const { events, scannedTo } = await source.readPage(checkpoint);
      for (const event of events) {
        if (abort.signal.aborted) return;
        await handler(event);
        checkpoint = event.position;
      }
      if (scannedTo !== undefined && (checkpoint === undefined || scannedTo > checkpoint)) {
        if (abort.signal.aborted) return;
        checkpoint = scannedTo;
        await onCheckpoint?.(scannedTo);
      }
      if (events.length === 0) {
        await source.appends.wait(seen, abort.signal);
        await delay(LIVE_BATCH_MS, abort.signal);
      } else {
        // a page of a long way behind the head is read and handled synchronously: let the process answer in between
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  const done = run().finally(() => onEnd(subscription));
  const subscription: Subscription = {
    done,
    stop: async () => {
      abort.abort();
      await done.then(
        () => undefined,
        () => undefined,
      );
    },
  };
  return subscription;
};
