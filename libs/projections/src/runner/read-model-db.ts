import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type ReadModelDb = Database.Database;

const IN_MEMORY = ':memory:';

/** better-sqlite3 names no file when it cannot open one: a start-up error must say which. */
const openFile = (path: string): ReadModelDb => {
  try {
    if (path !== IN_MEMORY) mkdirSync(dirname(path), { recursive: true });
    return new Database(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the read-model file ${resolve(path)} (READ_MODELS_PATH): ${reason}`);
  }
};

/** Pages of WAL after which a commit to the read-model file checkpoints it, for every connection to that file. */
export const READ_MODEL_WAL_AUTOCHECKPOINT_PAGES = 20_000;

/**
 * Files made before version 1 may miss rows: a retried batch there could start the models again from zero yet resume
 * after the checkpoint. Every model of such a file is rebuilt once.
 */
const READ_MODEL_FILE_VERSION = 1;

/**
 * Opens (or creates) the read-model file. Read models are copies of the log, so a lost last transaction is
 * caught up again from the checkpoint: `synchronous=NORMAL` is enough.
 */
export const openReadModelDb = (path: string): ReadModelDb => {
  const db = openFile(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.pragma(`wal_autocheckpoint = ${READ_MODEL_WAL_AUTOCHECKPOINT_PAGES}`);
  db.exec(
    `CREATE TABLE IF NOT EXISTS projection_checkpoints (
       name TEXT PRIMARY KEY,
       version INTEGER NOT NULL,
       position INTEGER
     );
     CREATE TABLE IF NOT EXISTS projection_log (id INTEGER PRIMARY KEY CHECK (id = 1), first_event_id TEXT NOT NULL)`,
  );
  if ((db.pragma('user_version', { simple: true }) as number) < READ_MODEL_FILE_VERSION) {
    db.transaction(() => {
      forgetReadModels(db);
      db.pragma(`user_version = ${READ_MODEL_FILE_VERSION}`);
    })();
  }
  return db;
};

/** The version of a model whose checkpoint was forgotten: no model has it. */
export const FORGOTTEN_VERSION = -1;

/** Makes every model start again from position zero at the next runner made on this file (`cli rebuild-projections`). */
export const forgetReadModels = (db: ReadModelDb): void => {
  db.prepare('UPDATE projection_checkpoints SET version = ?').run(FORGOTTEN_VERSION);
};
