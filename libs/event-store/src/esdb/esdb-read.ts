import type { ResolvedEvent, StreamingRead } from '@eventstore/db-client';
import { CallDeadlineExceeded } from './esdb-retry';

/**
 * Iterates a read, cancelling it with {@link CallDeadlineExceeded} when the server sends nothing for a whole period of
 * `deadlineMs` (the client sets no deadline on streaming calls). One timer checks once a period, so that a long read
 * does not pay for a timer per event: a silence is noticed within one to two periods; the reader's own time does not
 * count. When the reader stops early the call is cancelled and what the client buffered is drained, since a destroyed
 * client stream with buffered messages never finishes and `dispose()` waits for every stream to finish.
 */
export async function* drained(read: StreamingRead<ResolvedEvent>, deadlineMs: number): AsyncIterable<ResolvedEvent> {
  let received = 0;
  let seen = 0;
  let isReading = false;
  let isLate = false;
  const check = (): void => {
    if (isReading || received !== seen) {
      seen = received;
      timer = setTimeout(check, deadlineMs);
      return;
    }
    isLate = true;
    void read.cancel();
  };
  let timer = setTimeout(check, deadlineMs);
  try {
    for await (const resolved of read.iterator({ destroyOnReturn: false }) as AsyncIterable<ResolvedEvent>) {
      if (isLate) break;
      received += 1;
      isReading = true;
      yield resolved;
      isReading = false;
    }
    if (isLate) throw new CallDeadlineExceeded(deadlineMs);
  } finally {
    clearTimeout(timer);
    await read.cancel();
    read.resume();
  }
}
