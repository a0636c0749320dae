import {
  START,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type EventStoreDBClient,
  type Filter,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { AllFilter, RecordedEvent, SubscribeOptions, Subscription } from '../port/event-store.port';
import { matchesFilter } from '../shared/filter';
import { isSystemStream, toRecordedEvent } from './esdb-recorded-event';
import { backoffMs, pause } from './esdb-retry';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server filters on one field only; the stream prefixes are the narrower in practice. Whatever the server lets
 * through is filtered again here, with the system events.
 */
export const serverFilter = (filter: AllFilter | undefined): Filter => {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegExp).join('|')})$` });
  }
  return excludeSystemEvents();
};

export const isWanted = (event: RecordedEvent, filter: AllFilter | undefined): boolean =>
  !isSystemStream(event.stream) && matchesFilter(filter, event.stream, event.type);

/**
 * A catch-up subscription to `$all` that opens a new server subscription after the last handled position whenever the
 * current one fails or ends. The client never resubscribes by itself, and a subscription whose call the server ends
 * just ends, without an error; so an end is treated like a failure.
 */
export class ResubscribingSubscription implements Subscription {
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private checkpoint: number | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    { after, filter }: SubscribeOptions,
    private readonly handler: (event: RecordedEvent) => Promise<void>,
  ) {
    this.checkpoint = after;
    this.done = this.run(filter);
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
      const position = this.checkpoint === undefined ? undefined : BigInt(this.checkpoint);
      const subscription = this.client.subscribeToAll({
        fromPosition: position === undefined ? START : { commit: position, prepare: position },
        filter: serverFilter(filter),
      });
      const unsubscribe = (): void => void subscription.unsubscribe();
      this.abort.signal.addEventListener('abort', unsubscribe);
      try {
        // Not destroyed on an early exit: a destroyed stream with buffered messages never finishes, and the client's
        // dispose() waits for every stream to finish.
        for await (const resolved of subscription.iterator({
          destroyOnReturn: false,
        }) as AsyncIterable<ResolvedEvent>) {
          if (this.abort.signal.aborted) break;
          const event = toRecordedEvent(resolved);
          if (!event || (this.checkpoint !== undefined && event.position <= this.checkpoint)) continue;
          if (isWanted(event, filter)) await this.deliver(event);
          this.checkpoint = event.position;
          attempt = 0;
        }
      } catch (error) {
        if (error instanceof HandlerFailed) throw error.cause;
      } finally {
        this.abort.signal.removeEventListener('abort', unsubscribe);
        await subscription.unsubscribe();
        subscription.resume();
      }
      await pause(backoffMs(attempt), this.abort.signal);
    }
  }

  private async deliver(event: RecordedEvent): Promise<void> {
    try {
      await this.handler(event);
    } catch (error) {
      this.abort.abort();
      throw new HandlerFailed(error);
    }
  }
}

class HandlerFailed {
  constructor(readonly cause: unknown) {}
}
