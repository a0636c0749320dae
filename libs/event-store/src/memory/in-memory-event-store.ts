import { EventStoreUnavailable } from '../port/event-store.errors';
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../port/event-store.port';
import { type SerialisedEvent, validateAppend } from '../port/validate-append';
import { matchesFilter } from '../shared/filter';
import { planAppend } from '../shared/plan-append';
import { AppendSignal, type PollingPage, pollingSubscription } from '../shared/polling-subscription';

interface Row extends SerialisedEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

const PAGE_SIZE = 500;

/** Events are kept serialised and parsed on every read, as a real store would: readers never share objects. */
const toRecorded = (row: Row): RecordedEvent => ({
  id: row.id,
  type: row.type,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
  stream: row.stream,
  revision: row.revision,
  position: row.position,
});

/** The event store in memory, with the same rules as the others: for unit tests of other libraries. */
export class InMemoryEventStore implements EventStore {
  private readonly log: Row[] = [];
  private readonly streams = new Map<string, Row[]>();
  private readonly ids = new Map<string, Row>();
  private readonly appends = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();
  private isClosed = false;

  async append(
    stream: string,
    events: readonly NewEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> {
    const serialised = validateAppend(stream, events);
    this.assertOpen();
    const rows = this.streams.get(stream) ?? [];
    const plan = planAppend(
      stream,
      serialised.map((event) => event.id),
      serialised.map((event) => this.ids.get(event.id)),
      expectedRevision,
      rows.length === 0 ? null : rows.length - 1,
    );
    if (plan.kind === 'repeat') return plan.result;
    const written = serialised.map((event, i): Row => ({
      ...event,
      stream,
      revision: plan.firstRevision + i,
      position: this.log.length + i + 1,
    }));
    for (const row of written) {
      this.log.push(row);
      rows.push(row);
      this.ids.set(row.id, row);
    }
    this.streams.set(stream, rows);
    this.appends.notify();
    const last = written[written.length - 1] as Row;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const rows = this.streams.get(stream) ?? [];
    const isBackwards = options.direction === 'backwards';
    const maxCount = options.maxCount ?? Infinity;
    let revision = options.fromRevision ?? (isBackwards ? rows.length - 1 : 0);
    for (let count = 0; count < maxCount && revision >= 0 && revision < rows.length; count++) {
      yield toRecorded(rows[revision] as Row);
      revision += isBackwards ? -1 : 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const maxCount = options.maxCount ?? Infinity;
    let count = 0;
    for (let i = options.after ?? 0; i < this.log.length && count < maxCount; i++) {
      const row = this.log[i] as Row;
      if (!matchesFilter(options.filter, row.stream, row.type)) continue;
      count++;
      yield toRecorded(row);
    }
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    this.assertOpen();
    const source = {
      appends: this.appends,
      readPage: async (after: number | undefined) => this.page(after ?? 0, options.filter),
    };
    const subscription = pollingSubscription(options, source, handler, (ended) => this.subscriptions.delete(ended));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number | undefined> {
    this.assertOpen();
    return this.log[this.log.length - 1]?.position;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.isClosed = true;
  }

  /** Read in one go, so that no append can come between the events and how far they reach. */
  private page(after: number, filter: AllFilter | undefined): PollingPage {
    this.assertOpen();
    const events: RecordedEvent[] = [];
    let index = after;
    for (; index < this.log.length && events.length < PAGE_SIZE; index++) {
      const row = this.log[index] as Row;
      if (matchesFilter(filter, row.stream, row.type)) events.push(toRecorded(row));
    }
    return { events, scannedTo: this.log[index - 1]?.position };
  }

  private assertOpen(): void {
    if (this.isClosed) throw new EventStoreUnavailable('the store is closed');
  }
}
