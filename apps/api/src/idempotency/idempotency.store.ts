import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '@app/config';

/** The status is not kept: each endpoint answers success with one status only. */
export interface StoredAnswer {
  readonly fingerprint: string;
  readonly body: unknown;
}

/**
 * Where the answers are kept: beside the embedded events file, in memory with the in-memory store, and beside the
 * local read models otherwise.
 */
const fileFor = (config: AppConfig): string => {
  const url = config.EVENT_STORE_URL;
  if (url === 'memory:') return ':memory:';
  const besides = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : config.READ_MODELS_PATH;
  return join(dirname(besides), 'idempotency.db');
};

/** The first answer given to each (API key, Idempotency-Key), kept so that a repeated request gets it again. */
@Injectable()
export class IdempotencyStore implements OnApplicationShutdown {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string, string], { fingerprint: string; body: string }>;
  private readonly insert: Database.Statement<[string, string, string, string, string]>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const file = fileFor(config);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      actor TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      body TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      PRIMARY KEY (actor, idempotency_key)
    )`);
    this.select = this.db.prepare(
      'SELECT fingerprint, body FROM idempotent_answers WHERE actor = ? AND idempotency_key = ?',
    );
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO idempotent_answers (actor, idempotency_key, fingerprint, body, recorded_at) VALUES (?, ?, ?, ?, ?)',
    );
  }

  find(actor: string, key: string): StoredAnswer | undefined {
    const row = this.select.get(actor, key);
    return row && { fingerprint: row.fingerprint, body: JSON.parse(row.body) as unknown };
  }

  save(actor: string, key: string, answer: StoredAnswer, recordedAt: string): void {
    this.insert.run(actor, key, answer.fingerprint, JSON.stringify(answer.body ?? null), recordedAt);
  }

  onApplicationShutdown(): void {
    this.db.close();
  }
}
