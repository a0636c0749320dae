import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { READ_MODEL_WAL_AUTOCHECKPOINT_PAGES } from '@app/projections';

/**
 * Where a reactor remembers the global position of the last event it has handled. A lost checkpoint costs a replay
 * from the start of the log, never a wrong effect: every reactor is idempotent.
 */
export interface CheckpointStore {
  load(reactor: string): Promise<number | undefined>;
  save(reactor: string, position: number): Promise<void>;
  close(): Promise<void>;
}

/** For a log that lives in memory: a checkpoint kept on disk would point past the end of the next process's log. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();

  async load(reactor: string): Promise<number | undefined> {
    return this.positions.get(reactor);
  }

  async save(reactor: string, position: number): Promise<void> {
    this.positions.set(reactor, position);
  }

  async close(): Promise<void> {}
}

/**
 * How long a saved checkpoint may wait in memory: a reactor saves one after each event, and writing them all would
 * cost a transaction per event per reactor; a crash forgets at most this much progress, which is replayed.
 */
const WRITE_BEHIND_MS = 100;

/**
 * One row per reactor in a table of the read-model file, which other processes and projections may share. Saves are
 * written behind, together, within {@link WRITE_BEHIND_MS} and at closing.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly loadStatement: Database.Statement<[string], { position: number }>;
  private readonly saveStatement: Database.Statement<[string, number]>;
  private readonly writeAll: (positions: ReadonlyMap<string, number>) => void;
  private readonly unwritten = new Map<string, number>();
  private writeTimer: NodeJS.Timeout | undefined;
  private writeFailure: unknown;

  private constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    // A checkpoint lost in a power cut costs a replay of a few events, which the reactors tolerate.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // The file is the read models': a commit here past the default 1 000 pages of WAL would checkpoint their writes.
    db.pragma(`wal_autocheckpoint = ${READ_MODEL_WAL_AUTOCHECKPOINT_PAGES}`);
    db.exec('CREATE TABLE IF NOT EXISTS reactor_checkpoints (reactor TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    this.loadStatement = db.prepare('SELECT position FROM reactor_checkpoints WHERE reactor = ?');
    this.saveStatement = db.prepare(
      'INSERT INTO reactor_checkpoints (reactor, position) VALUES (?, ?) ON CONFLICT (reactor) DO UPDATE SET position = excluded.position',
    );
    this.writeAll = db.transaction((positions: ReadonlyMap<string, number>) => {
      for (const [reactor, position] of positions) this.saveStatement.run(reactor, position);
    });
  }

  static open(path: string): SqliteCheckpointStore {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      return new SqliteCheckpointStore(new Database(path));
    } catch (error) {
      // better-sqlite3 names no file when it cannot open one: a start-up error must say which.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot open the reactor checkpoint file ${resolve(path)} (READ_MODELS_PATH): ${reason}`);
    }
  }

  async load(reactor: string): Promise<number | undefined> {
    return this.unwritten.get(reactor) ?? this.loadStatement.get(reactor)?.position;
  }

  /** Fails with the error of the last write behind, if it failed: the reactor's processor retries and reports it. */
  async save(reactor: string, position: number): Promise<void> {
    this.unwritten.set(reactor, position);
    this.writeTimer ??= setTimeout(() => this.write(), WRITE_BEHIND_MS);
    const failure = this.writeFailure;
    this.writeFailure = undefined;
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    this.write();
    this.db.close();
    if (this.writeFailure !== undefined) throw this.writeFailure;
  }

  /** A failed write keeps the positions for the next one, and the next save reports it. */
  private write(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (this.unwritten.size === 0 || !this.db.open) return;
    const positions = new Map(this.unwritten);
    try {
      this.writeAll(positions);
    } catch (error) {
      this.writeFailure = error;
      return;
    }
    for (const [reactor, position] of positions)
      if (this.unwritten.get(reactor) === position) this.unwritten.delete(reactor);
  }
}
