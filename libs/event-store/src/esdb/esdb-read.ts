import type { ResolvedEvent, StreamingRead } from '@eventstore/db-client';

/**
 * Iterates a read; when the reader stops early the call is cancelled and what the client buffered is drained, since a
 * destroyed client stream with buffered messages never finishes and `dispose()` waits for every stream to finish.
 */
export async function* drained(read: StreamingRead<ResolvedEvent>): AsyncIterable<ResolvedEvent> {
  try {
    yield* read.iterator({ destroyOnReturn: false }) as AsyncIterable<ResolvedEvent>;
  } finally {
    await read.cancel();
    read.resume();
  }
}
