import { MaxAppendSizeExceededError, StreamDeletedError } from '@eventstore/db-client';
import { EventStoreError, EventStoreUnavailable, EventTooLarge } from '../port/event-store.errors';
import type { SerialisedEvent } from '../port/validate-append';

const size = (event: SerialisedEvent): number => Buffer.byteLength(event.data) + Buffer.byteLength(event.metadata);

/** Translates whatever the client raised into the port's errors, so that no client type leaves the adapter. */
export const translateError = (error: unknown, events: readonly SerialisedEvent[] = []): EventStoreError => {
  if (error instanceof EventStoreError) return error;
  if (error instanceof MaxAppendSizeExceededError) {
    // The server's limit applies to the whole append, so the batch is reported under its largest event.
    const largest = events.reduce<SerialisedEvent | undefined>(
      (max, event) => (max === undefined || size(event) > size(max) ? event : max),
      undefined,
    );
    const total = events.reduce((sum, event) => sum + size(event), 0);
    return new EventTooLarge(largest?.id ?? '', total, error.maxAppendSize);
  }
  if (error instanceof StreamDeletedError) return new EventStoreUnavailable(`stream ${error.streamName} is deleted`);
  return new EventStoreUnavailable(error instanceof Error ? error.message : String(error));
};
