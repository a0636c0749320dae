import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EventStoreUnavailable } from '../port/event-store.errors';
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../port/event-store.port';
import { type SerialisedEvent, validateAppend } from '../port/validate-append';
import { meetsExpectation, planAppend, type StoredId } from '../shared/plan-append';
import { AppendSignal, type PollingPage, pollingSubscription } from '../shared/polling-subscription';
import { OtherWritersWatch } from './other-writers-watch';

export interface SqliteEventStoreOptions {
  /** `FULL` (default): an acknowledged append survives a power cut. `NORMAL` in WAL mode only survives a crash. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's lock before failing (default 5 000 ms). */
  readonly busyTimeoutMs?: number;
  /**
   * How often the store looks for events appended by other processes while anything subscribes (default 50 ms), on
   * top of the change notices of the file system where it sends them.
   */
  readonly pollIntervalMs?: number;
  /** The longest the look waits once nothing has changed for a while (default 1 000 ms). */
  readonly idlePollIntervalMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    id       TEXT    NOT NULL UNIQUE,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    UNIQUE (stream, revision)
  )`;

const COLUMNS = 'position, stream, revision, id, type, data, metadata';
const PAGE_SIZE = 1_000;

type Row = [
  position: number,
  stream: string,
  revision: number,
  id: string,
  type: string,
  data: string,
  metadata: string,
];

const toRecorded = ([position, stream, revision, id, type, data, metadata]: Row): RecordedEvent => ({
  id,
  type,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as EventMetadata,
  stream,
  revision,
  position,
});

interface QueuedAppend {
  readonly stream: string;
  readonly events: readonly SerialisedEvent[];
  readonly expectedRevision: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** Raised inside a write transaction to roll it back when the fast path meets an id already stored. */
class StoredIdMet extends Error {}

/**
 * The embedded event store: one SQLite file in WAL mode, shared safely by several processes. Appends are `BEGIN
 * IMMEDIATE` transactions, so the check of the expected revision and the insert happen under the file's write lock.
 */
export class SqliteEventStore implements EventStore {
  private readonly appends = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();
  private readonly pollIntervalMs: number;
  private readonly idlePollIntervalMs: number;
  private readonly statements;
  private readonly filteredReads = new Map<string, Database.Statement<unknown[], Row>>();
  private readonly appendFast;
  private readonly appendChecked;
  private readonly subscriptionPage;
  private readonly commitTogether;
  private readonly queuedAppends: QueuedAppend[] = [];
  private otherWriters: OtherWritersWatch | undefined;
  private isClosed = false;
  /** The streams read during {@link inOneTransaction}, as read. */
  private transactionReads: Map<string, RecordedEvent[]> | undefined;

  private constructor(
    private readonly db: Database.Database,
    options: SqliteEventStoreOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.idlePollIntervalMs = options.idlePollIntervalMs ?? 1_000;
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.exec(SCHEMA);
    this.statements = {
      lastRevision: db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream = ?',
      ),
      storedId: db.prepare<[string], StoredId>('SELECT stream, revision, position FROM events WHERE id = ?'),
      insert: db.prepare<[string, number, string, string, string, string]>(
        'INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      forwards: db
        .prepare<[string, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
        )
        .raw(),
      backwards: db
        .prepare<[string, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      // SQLite runs a read with a literal LIMIT in half the time of one with a bound LIMIT: whole pages use it
      forwardsPage: db
        .prepare<[string, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ${PAGE_SIZE}`,
        )
        .raw(),
      head: db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
      ping: db.prepare('SELECT COUNT(*) FROM sqlite_master'),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
    this.appendFast = db.transaction(this.writeIfExpected.bind(this));
    this.appendChecked = db.transaction(this.writeChecked.bind(this));
    this.subscriptionPage = db.transaction(this.readSubscriptionPage.bind(this));
    this.commitTogether = db.transaction(this.appendEach.bind(this));
  }

  /** Opens (and creates, with its directory) the file at `path`. */
  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return new SqliteEventStore(new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 }), options);
    } catch (error) {
      // better-sqlite3 names no file ("unable to open database file"): a start-up error must say which one.
      const reason = error instanceof Error ? error.message : String(error);
      throw new EventStoreUnavailable(`cannot open the event store file ${resolve(path)}: ${reason}`);
    }
  }

  /**
   * Appends wait for the end of the current turn of the event loop and are committed together, in the order they came,
   * each in a savepoint of its own: one fsync for all the appends of concurrent requests, the same outcome for each as
   * if it had been committed alone, and no answer before its commit.
   */
  append(stream: string, events: readonly NewEvent[], { expectedRevision }: AppendOptions): Promise<AppendResult> {
    let serialised: readonly SerialisedEvent[];
    try {
      this.guard(() => undefined);
      serialised = validateAppend(stream, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queuedAppends.push({ stream, events: serialised, expectedRevision, resolve, reject });
      if (this.queuedAppends.length === 1) setImmediate(() => this.commitQueuedAppends());
    });
  }

  private commitQueuedAppends(): void {
    const queued = this.queuedAppends.splice(0);
    let outcomes: readonly ({ result: AppendResult } | { error: unknown })[];
    try {
      outcomes = this.guard(() => this.commitTogether.immediate(queued));
    } catch (error) {
      for (const append of queued) append.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const append = queued[i] as QueuedAppend;
      if (!('result' in outcome)) return append.reject(translate(outcome.error));
      const read = this.transactionReads?.get(append.stream);
      if (read) read.push(...this.readWholeStream(append.stream, (read[read.length - 1]?.revision ?? -1) + 1));
      append.resolve(outcome.result);
    });
    // inside `inOneTransaction`, nothing is committed yet: its commit tells the subscriptions
    if (!this.transactionReads && outcomes.some((outcome) => 'result' in outcome)) this.appends.notify();
  }

  /** Inside the transaction of {@link commitQueuedAppends}: a failed append rolls back its own savepoint only. */
  private appendEach(queued: readonly QueuedAppend[]): ({ result: AppendResult } | { error: unknown })[] {
    return queued.map(({ stream, events, expectedRevision }) => {
      try {
        try {
          return { result: this.appendFast(stream, events, expectedRevision) };
        } catch (error) {
          if (!(error instanceof StoredIdMet)) throw error;
          return { result: this.appendChecked(stream, events, expectedRevision) };
        }
      } catch (error) {
        return { error };
      }
    });
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const isBackwards = options.direction === 'backwards';
    if (this.transactionReads && !isBackwards) {
      const from = options.fromRevision ?? 0;
      const events = this.transactionReads.get(stream) ?? this.readWholeStream(stream);
      this.transactionReads.set(stream, events);
      yield* events.filter((event) => event.revision >= from).slice(0, options.maxCount ?? Infinity);
      return;
    }
    let remaining = options.maxCount ?? Infinity;
    let revision = options.fromRevision ?? (isBackwards ? Number.MAX_SAFE_INTEGER : 0);
    while (remaining > 0) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const rows = this.guard(() =>
        isBackwards
          ? this.statements.backwards.all(stream, revision, limit)
          : limit === PAGE_SIZE
            ? this.statements.forwardsPage.all(stream, revision)
            : this.statements.forwards.all(stream, revision, limit),
      );
      for (const row of rows) yield toRecorded(row);
      if (rows.length < PAGE_SIZE) return;
      remaining -= rows.length;
      revision = (rows[rows.length - 1] as Row)[2] + (isBackwards ? -1 : 1);
    }
  }

  private readWholeStream(stream: string, fromRevision = 0): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    for (let revision = fromRevision; ;) {
      const rows = this.guard(() => this.statements.forwardsPage.all(stream, revision));
      events.push(...rows.map(toRecorded));
      if (rows.length < PAGE_SIZE) return events;
      revision = (rows[rows.length - 1] as Row)[2] + 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Infinity;
    let after = options.after ?? 0;
    while (remaining > 0) {
      const rows = this.readAllPage(after, options.filter, Math.min(PAGE_SIZE, remaining));
      for (const row of rows) yield toRecorded(row);
      if (rows.length < PAGE_SIZE) return;
      remaining -= rows.length;
      after = (rows[rows.length - 1] as Row)[0];
    }
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    this.guard(() => undefined);
    const source = {
      appends: this.appends,
      readPage: async (after: number | undefined) =>
        this.guard(() => this.subscriptionPage(after ?? 0, options.filter)),
    };
    const subscription = pollingSubscription(options, source, handler, (ended) => {
      this.subscriptions.delete(ended);
      if (this.subscriptions.size === 0) this.stopWatchingOtherWriters();
    });
    this.subscriptions.add(subscription);
    this.watchOtherWriters();
    return subscription;
  }

  /**
   * Appends of this process wake the subscriptions directly; those of other processes sharing the file are seen by
   * one watch for all of them, which costs no read of the table: an idle engine's followers cost nothing but its check.
   */
  private watchOtherWriters(): void {
    if (this.otherWriters) return;
    const dataVersion = this.statements.dataVersion;
    this.otherWriters = this.guard(
      () =>
        new OtherWritersWatch({
          walPath: `${this.db.name}-wal`,
          dataVersion: () => dataVersion.get() as number,
          onChange: () => this.appends.notify(),
          minIntervalMs: this.pollIntervalMs,
          maxIntervalMs: Math.max(this.pollIntervalMs, this.idlePollIntervalMs),
        }),
    );
  }

  private stopWatchingOtherWriters(): void {
    this.otherWriters?.stop();
    this.otherWriters = undefined;
  }

  async headPosition(): Promise<number | undefined> {
    return this.guard(() => this.statements.head.get()?.position ?? undefined);
  }

  async ping(): Promise<void> {
    this.guard(() => this.statements.ping.get());
  }

  /**
   * Runs `work` in one write transaction of this connection: every append it makes (each then a savepoint) commits
   * together when it resolves, and none when it rejects. A bulk writer gives it what must land together (a ticket's
   * facts): one commit instead of one per append, and reads without a transaction each. The file's write lock is held
   * meanwhile, so other processes wait (up to `busyTimeoutMs`), and a stream read in it is read from the file once,
   * then kept with what `work` appends to it; only one `work` may run at a time on the store.
   */
  async inOneTransaction<T>(work: () => Promise<T>): Promise<T> {
    this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
    // Under the write lock nothing but `work` changes the file: a stream read once is kept, with what `work` appends.
    this.transactionReads = new Map();
    let result: T;
    try {
      result = await work();
    } catch (error) {
      if (this.db.inTransaction) this.guard(() => this.db.exec('ROLLBACK'));
      throw error;
    } finally {
      this.transactionReads = undefined;
    }
    this.guard(() => this.db.exec('COMMIT'));
    this.appends.notify();
    return result;
  }

  /**
   * Makes every append made so far survive a power cut, whatever `synchronous` the store was opened with: the WAL is
   * checkpointed into the database file, which SQLite synchronises, and what a reader of another process kept in the
   * WAL is synchronised there. A bulk writer opens the store with `NORMAL` and calls this before reporting success.
   */
  async syncToDisk(): Promise<void> {
    this.guard(() => {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      const wal = `${this.db.name}-wal`;
      if (!existsSync(wal)) return;
      const descriptor = openSync(wal, 'r');
      try {
        fsyncSync(descriptor);
      } finally {
        closeSync(descriptor);
      }
    });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.stopWatchingOtherWriters();
    this.isClosed = true;
    this.db.close();
  }

  private writeIfExpected(
    stream: string,
    events: readonly SerialisedEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    const current = this.statements.lastRevision.get(stream)?.revision ?? null;
    if (!meetsExpectation(expected, current)) throw new StoredIdMet();
    try {
      return this.insert(stream, events, (current ?? -1) + 1);
    } catch (error) {
      if (isSqliteError(error) && error.code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoredIdMet();
      throw error;
    }
  }

  /** The slow path: a failed expectation or a stored id, where the batch may be a repeat. */
  private writeChecked(stream: string, events: readonly SerialisedEvent[], expected: ExpectedRevision): AppendResult {
    const plan = planAppend(
      stream,
      events.map((event) => event.id),
      events.map((event) => this.statements.storedId.get(event.id)),
      expected,
      this.statements.lastRevision.get(stream)?.revision ?? null,
    );
    return plan.kind === 'repeat' ? plan.result : this.insert(stream, events, plan.firstRevision);
  }

  private insert(stream: string, events: readonly SerialisedEvent[], firstRevision: number): AppendResult {
    let position = 0;
    for (let i = 0; i < events.length; i++) {
      const { id, type, data, metadata } = events[i] as SerialisedEvent;
      position = Number(
        this.statements.insert.run(stream, firstRevision + i, id, type, data, metadata).lastInsertRowid,
      );
    }
    return { nextExpectedRevision: firstRevision + events.length - 1, position };
  }

  /**
   * One read transaction, so that the head comes from the same snapshot as the page: a page shorter than the limit saw
   * every event up to the head, and an event appended meanwhile by another process is after both.
   */
  private readSubscriptionPage(after: number, filter: AllFilter | undefined): PollingPage {
    const rows = this.readAllPage(after, filter, PAGE_SIZE);
    const scannedTo =
      rows.length === PAGE_SIZE
        ? (rows[rows.length - 1] as Row)[0]
        : (this.statements.head.get()?.position ?? undefined);
    return { events: rows.map(toRecorded), scannedTo };
  }

  private readAllPage(after: number, filter: AllFilter | undefined, limit: number): Row[] {
    const prefixes = filter?.streamPrefixes ?? [];
    const types = filter?.eventTypes ?? [];
    return this.guard(() => {
      const key = `${prefixes.length}:${types.length}`;
      let statement = this.filteredReads.get(key);
      if (!statement) {
        const conditions = ['position > ?'];
        if (prefixes.length) conditions.push(`(${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`);
        if (types.length) conditions.push(`type IN (${types.map(() => '?').join(', ')})`);
        statement = this.db
          .prepare<unknown[], Row>(
            `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT ?`,
          )
          .raw();
        this.filteredReads.set(key, statement);
      }
      return statement.all(after, ...prefixes.flatMap((prefix) => [prefix.length, prefix]), ...types, limit);
    });
  }

  /** Runs a statement, turning the driver's errors into the port's. */
  private guard<T>(run: () => T): T {
    if (this.isClosed) throw new EventStoreUnavailable('the store is closed');
    try {
      return run();
    } catch (error) {
      throw translate(error);
    }
  }
}

/**
 * By shape, not `instanceof`: the native addon keeps the error class of the first copy of `better-sqlite3` that loaded
 * it, so a second copy or another realm in the process (Jest's per-file sandboxes do both) throws other classes.
 */
const isSqliteError = (error: unknown): error is { readonly code: string; readonly message: string } =>
  typeof error === 'object' &&
  error !== null &&
  (error as { name?: unknown }).name === 'SqliteError' &&
  typeof (error as { code?: unknown }).code === 'string';

const translate = (error: unknown): unknown =>
  isSqliteError(error) ? new EventStoreUnavailable(`${error.code}: ${error.message}`) : error;
