import {
  FORWARDS,
  START,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Filter,
  type Position,
} from '@eventstore/db-client';
import { SubscriptionRefused } from '../port/event-store.errors';
import type { AllFilter, RecordedEvent, SubscribeOptions, Subscription } from '../port/event-store.port';
import { matchesFilter } from '../shared/filter';
import { translateError } from './esdb-errors';
import { drained } from './esdb-read';
import { isSystemStream, toRecordedEvent } from './esdb-recorded-event';
import {
  backoffMs,
  CallDeadlineExceeded,
  describeFailure,
  type EsdbLogger,
  FailureLog,
  pause,
  refusalOf,
} from './esdb-retry';

/** Events a checkpoint probe reads at most after the last delivered or reported position. */
const PROBE_SCAN_LIMIT = 500;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type CheckpointReached = (subscription: AllStreamSubscription, position: Position) => void;

/**
 * The server filters on one field only; the stream prefixes are the narrower in practice. Whatever the server lets
 * through is filtered again here, with the system events. The server reports a checkpoint every 32 events it skips.
 */
export const serverFilter = (filter: AllFilter | undefined, checkpointReached: CheckpointReached): Filter => {
  if (filter?.streamPrefixes?.length) {
    return streamNameFilter({ prefixes: [...filter.streamPrefixes], checkpointReached });
  }
  if (filter?.eventTypes?.length) {
    return eventTypeFilter({
      regex: `^(?:${filter.eventTypes.map(escapeRegExp).join('|')})$`,
      checkpointReached,
    });
  }
  return excludeSystemEvents({ checkpointReached });
};

export const isWanted = (event: RecordedEvent, filter: AllFilter | undefined): boolean =>
  !isSystemStream(event.stream) && matchesFilter(filter, event.stream, event.type);

/** A checkpoint of the server, carried through the subscription's own stream so that it follows the events before it. */
class ServerCheckpoint {
  constructor(readonly position: number) {}
}

const PROBE = Symbol('probe');

/** Resolves with {@link PROBE} once `request()` is called; `renew()` arms it again. */
class ProbeRequest {
  promise!: Promise<typeof PROBE>;
  request: () => void = () => undefined;

  constructor() {
    this.renew();
  }

  renew(): void {
    this.promise = new Promise((resolve) => (this.request = () => resolve(PROBE)));
  }
}

export interface EsdbSubscriptionSettings {
  /** How long the server has to confirm a subscription, and to answer a probe's read. */
  readonly deadlineMs: number;
  /** How long failures may go on, counted from the first of a run, before `done` rejects. */
  readonly giveUpMs: number;
  /** How often a live subscription with `onCheckpoint` looks whether the log moved on with events its filter skips. */
  readonly checkpointProbeMs: number;
  readonly logger: EsdbLogger;
}

/** The server ended the call without an error: the client then just ends the subscription. */
class SubscriptionEnded extends Error {
  constructor() {
    super('the server ended the subscription');
  }
}

/**
 * A catch-up subscription to `$all` that opens a new server subscription after the last handled position whenever the
 * current one fails or ends. The client never resubscribes by itself, and a subscription whose call the server ends
 * just ends, without an error; so an end is treated like a failure. A refusal that retrying cannot change (access
 * denied, an unknown position) ends it at once with {@link SubscriptionRefused}; other failures are retried with
 * backoff, logged at the first of a run and when the server confirms a subscription again, until they have gone on
 * for `giveUpMs`. A subscription the server does not confirm within `deadlineMs` counts as failed.
 *
 * Checkpoints come from the server (every 32 skipped events) and from probes: when the subscription has caught up,
 * and every `checkpointProbeMs` while live, the events after the last delivered or reported position are read; the
 * last of those before any matching one is reported. The probe proves its own position, so it cannot report past an
 * event still on its way.
 */
export class ResubscribingSubscription implements Subscription {
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private readonly onCheckpoint: ((position: number) => Promise<void>) | undefined;
  private readonly failures: FailureLog;
  /** Set while failures go on; its timeout aborts it when they have gone on for the give-up time. */
  private giveUp: { readonly controller: AbortController; readonly timer: NodeJS.Timeout } | undefined;
  /** Everything matching up to here has been delivered, and nothing below it may be reported. */
  private floor: number | undefined;
  /** Where a new server subscription starts: past the floor when the server sent events that the adapter filters out. */
  private cursor: number | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    { after, filter, onCheckpoint }: SubscribeOptions,
    private readonly handler: (event: RecordedEvent) => Promise<void>,
    private readonly settings: EsdbSubscriptionSettings,
  ) {
    this.floor = after;
    this.cursor = after;
    this.onCheckpoint = onCheckpoint;
    this.failures = new FailureLog(settings.logger, 'the subscription to $all');
    this.done = this.run(filter).finally(() => clearTimeout(this.giveUp?.timer));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done.then(
      () => undefined,
      () => undefined,
    );
  }

  private async run(filter: AllFilter | undefined): Promise<void> {
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      let failure: unknown = new SubscriptionEnded();
      try {
        if (await this.follow(filter)) attempt = 0;
      } catch (error) {
        if (error instanceof HandlerFailed) throw error.cause;
        failure = error;
      }
      if (this.abort.signal.aborted) return;
      const refusal = refusalOf(failure);
      if (refusal) throw this.refused(new SubscriptionRefused(refusal, translateError(failure)));
      this.failed(failure);
      const giveUp = this.giveUp?.controller.signal;
      await pause(backoffMs(attempt), giveUp ? AbortSignal.any([this.abort.signal, giveUp]) : this.abort.signal);
      if (giveUp?.aborted && !this.abort.signal.aborted) {
        throw this.refused(new SubscriptionRefused('kept-failing', translateError(failure)));
      }
    }
  }

  private failed(failure: unknown): void {
    this.failures.failed(failure);
    if (this.giveUp) return;
    const controller = new AbortController();
    this.giveUp = { controller, timer: setTimeout(() => controller.abort(), this.settings.giveUpMs) };
  }

  private confirmed(): void {
    this.failures.recovered();
    clearTimeout(this.giveUp?.timer);
    this.giveUp = undefined;
  }

  /** A person must act: the subscriber will not hear of new events until the cause is fixed and it subscribes again. */
  private refused(refusal: SubscriptionRefused): SubscriptionRefused {
    this.settings.logger.error(
      `the subscription to $all has stopped (${refusal.reason}): ${describeFailure(refusal.cause)}`,
    );
    return refusal;
  }

  /** One server subscription, until it fails or ends; true when it delivered or reported anything. */
  private async follow(filter: AllFilter | undefined): Promise<boolean> {
    const from = this.cursor === undefined ? undefined : BigInt(this.cursor);
    const subscription = this.client.subscribeToAll({
      fromPosition: from === undefined ? START : { commit: from, prepare: from },
      filter: serverFilter(filter, (reached, position) => {
        reached.push(new ServerCheckpoint(Number(position.commit)));
      }),
    });
    const probe = new ProbeRequest();
    let probeTimer: NodeJS.Timeout | undefined;
    const goneLive = (): void => {
      probe.request();
      probeTimer ??= setInterval(() => probe.request(), this.settings.checkpointProbeMs);
    };
    if (this.onCheckpoint) subscription.on('caughtUp', goneLive);
    const unsubscribe = (): void => void subscription.unsubscribe();
    this.abort.signal.addEventListener('abort', unsubscribe);
    let isUnconfirmed = false;
    const confirmation = setTimeout(() => {
      isUnconfirmed = true;
      unsubscribe();
    }, this.settings.deadlineMs);
    const confirmed = (): void => {
      clearTimeout(confirmation);
      this.confirmed();
    };
    subscription.once('confirmation', confirmed);
    // Not iterated with for-await: a destroyed stream with buffered messages never finishes, and the client's
    // dispose() waits for every stream to finish; and a probe must be able to run while no message comes.
    const messages = (subscription.iterator({ destroyOnReturn: false }) as AsyncIterable<unknown>)[
      Symbol.asyncIterator
    ]();
    const nextMessage = (): Promise<IteratorResult<unknown>> => {
      const next = messages.next();
      // The loop awaits it and sees its failure; marked handled only for when the loop leaves it pending (a stop).
      next.catch(() => undefined);
      return next;
    };
    let hasProgressed = false;
    try {
      for (let pending = nextMessage(); !this.abort.signal.aborted;) {
        const message = await Promise.race([pending, probe.promise]);
        if (message === PROBE) {
          probe.renew();
          hasProgressed = (await this.probe(filter)) || hasProgressed;
          continue;
        }
        if (message.done || this.abort.signal.aborted) break;
        hasProgressed = (await this.take(message.value, filter)) || hasProgressed;
        pending = nextMessage();
      }
    } finally {
      clearTimeout(confirmation);
      clearInterval(probeTimer);
      subscription.off('confirmation', confirmed);
      subscription.off('caughtUp', goneLive);
      this.abort.signal.removeEventListener('abort', unsubscribe);
      await subscription.unsubscribe();
      subscription.resume();
    }
    if (isUnconfirmed) throw new CallDeadlineExceeded(this.settings.deadlineMs);
    return hasProgressed;
  }

  private async take(message: unknown, filter: AllFilter | undefined): Promise<boolean> {
    if (message instanceof ServerCheckpoint) return this.report(message.position);
    const event = toRecordedEvent(message as Parameters<typeof toRecordedEvent>[0]);
    if (!event || (this.cursor !== undefined && event.position <= this.cursor)) return false;
    this.cursor = event.position;
    if (!isWanted(event, filter)) return false;
    await this.settle(() => this.handler(event));
    this.floor = event.position;
    return true;
  }

  /** Reads the events after the floor and reports the last one before any that matches. */
  private async probe(filter: AllFilter | undefined): Promise<boolean> {
    const floor = this.floor;
    const from = floor === undefined ? undefined : BigInt(floor);
    const read = this.client.readAll({
      direction: FORWARDS,
      fromPosition: from === undefined ? START : { commit: from, prepare: from },
      maxCount: PROBE_SCAN_LIMIT,
      deadline: this.settings.deadlineMs,
    });
    let scannedTo: number | undefined;
    for await (const resolved of drained(read, this.settings.deadlineMs)) {
      const event = toRecordedEvent(resolved);
      if (!event || (floor !== undefined && event.position <= floor)) continue;
      if (isWanted(event, filter)) break;
      scannedTo = event.position;
    }
    return scannedTo !== undefined && (await this.report(scannedTo));
  }

  private async report(position: number): Promise<boolean> {
    if (this.floor !== undefined && position <= this.floor) return false;
    this.floor = position;
    if (this.cursor === undefined || position > this.cursor) this.cursor = position;
    const { onCheckpoint } = this;
    if (onCheckpoint) await this.settle(() => onCheckpoint(position));
    return true;
  }

  /** Runs the subscriber's code; its failure ends the subscription. */
  private async settle(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.abort.abort();
      throw new HandlerFailed(error);
    }
  }
}

class HandlerFailed {
  constructor(readonly cause: unknown) {}
}
