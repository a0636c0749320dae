import { FixedClock, type Instant } from '@app/clock';
import { type CustomerEvent, customerStream, type TicketEvent, ticketStream, UPCASTERS } from '@app/domain';
import { openEventStore, type RecordedEvent } from '@app/event-store';
import { stored } from '@app/event-store/test-support/events';
import { READ_MODELS } from '../read-models';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDb } from '../runner/read-model-db';

/** When the events of a projection spec are recorded. */
export const RECORDED_AT: Instant = '2026-11-30T21:30:00.000Z';

export interface Rows {
  /** Every row of the table, in the order asked for. */
  readonly rows: unknown[];
  /** The events as recorded, in the order given: the ids and positions some rows keep. */
  readonly recorded: readonly RecordedEvent[];
}

/**
 * Given domain events appended in order to a store opened as the engine opens it and every read model caught up over
 * a new in-memory database (a model may look another up, as the breach log looks tickets up in the directory), then
 * the rows of `table` ordered by `orderBy`; `batchSize` splits the catch-up in transactions of that many events.
 */
export const rowsAfter = async (
  events: readonly (TicketEvent | CustomerEvent)[],
  table: string,
  orderBy: string,
  batchSize?: number,
): Promise<Rows> => {
  const store = await openEventStore('memory:', UPCASTERS);
  const db = openReadModelDb(':memory:');
  const runner = new ProjectionRunner(store, db, READ_MODELS, new FixedClock(RECORDED_AT), {
    ...(batchSize ? { batchSize } : {}),
  });
  try {
    for (const event of events) {
      const { data } = event;
      const stream = 'ticketId' in data ? ticketStream(data.ticketId) : customerStream(data.customerId);
      await store.append(stream, [stored(event, RECORDED_AT)], { expectedRevision: 'any' });
    }
    const recorded: RecordedEvent[] = [];
    for await (const event of store.readAll()) recorded.push(event);
    await runner.catchUp();
    return { rows: db.prepare(`SELECT * FROM ${table} ORDER BY ${orderBy}`).all(), recorded };
  } finally {
    await runner.stop();
    db.close();
    await store.close();
  }
};
