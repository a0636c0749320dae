import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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

/** One row per reactor in a table of the read-model file, which other processes and projections may share. */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly loadStatement: Database.Statement<[string], { position: number }>;
  private readonly saveStatement: Database.Statement<[string, number]>;

  private constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    // A checkpoint lost in a power cut costs a replay of a few events, which the reactors tolerate.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS reactor_checkpoints (reactor TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    this.loadStatement = db.prepare('SELECT position FROM reactor_checkpoints WHERE reactor = ?');
    this.saveStatement = db.prepare(
      'INSERT INTO reactor_checkpoints (reactor, position) VALUES (?, ?) ON CONFLICT (reactor) DO UPDATE SET position = excluded.position',
    );
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
    return this.loadStatement.get(reactor)?.position;
  }

  async save(reactor: string, position: number): Promise<void> {
    this.saveStatement.run(reactor, position);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
