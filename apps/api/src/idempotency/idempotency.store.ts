import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Instant } from '@app/clock';
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

const PRUNE_EVERY_MS = 60_000;

/** The first answer given to each (API key, Idempotency-Key), kept so that a repeated request gets it again. */
@Injectable()
export class IdempotencyStore implements OnApplicationShutdown {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string, string, string], { fingerprint: string; body: string }>;
  private readonly insert: Database.Statement<[string, string, string, string, string, string]>;
  private readonly prune: Database.Statement<[string]>;
  private readonly ttlMs: number;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.ttlMs = config.IDEMPOTENCY_TTL_MS;
    const file = fileFor(config);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // The answer of a request is kept after its events are appended: a crash in between repeats the command
    // whatever the setting, so a power cut losing the last answers adds no new case, and no fsync per request.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      actor TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      body TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      PRIMARY KEY (actor, idempotency_key)
    );
    CREATE INDEX IF NOT EXISTS idempotent_answers_by_age ON idempotent_answers (recorded_at)`);
    this.select = this.db.prepare(
      'SELECT fingerprint, body FROM idempotent_answers WHERE actor = ? AND idempotency_key = ? AND recorded_at > ?',
    );
    this.prune = this.db.prepare('DELETE FROM idempotent_answers WHERE recorded_at <= ?');
    this.insert = this.db.prepare(
      `INSERT INTO idempotent_answers (actor, idempotency_key, fingerprint, body, recorded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (actor, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, body = excluded.body,
         recorded_at = excluded.recorded_at WHERE idempotent_answers.recorded_at <= ?`,
    );
  }

  /** The answer kept for this key, unless older than `IDEMPOTENCY_TTL_MS` at `now`. */
  find(actor: string, key: string, now: Instant): StoredAnswer | undefined {
    const row = this.select.get(actor, key, this.expiredBefore(now));
    return row && { fingerprint: row.fingerprint, body: JSON.parse(row.body) as unknown };
  }

  /**
   * Keeps the answer and, at most once a {@link PRUNE_EVERY_MS} (or a time to live, if shorter), drops every answer past
   * `IDEMPOTENCY_TTL_MS`, so the file stays bounded; an expired answer left meanwhile is never found.
   */
  save(actor: string, key: string, answer: StoredAnswer, recordedAt: Instant): void {
    const now = Date.parse(recordedAt);
    if (now - this.prunedAt >= Math.min(PRUNE_EVERY_MS, this.ttlMs)) {
      this.prunedAt = now;
      this.prune.run(this.expiredBefore(recordedAt));
    }
    // the first answer is kept; one expired and not pruned yet is replaced
    const body = JSON.stringify(answer.body ?? null);
    this.insert.run(actor, key, answer.fingerprint, body, recordedAt, this.expiredBefore(recordedAt));
  }

  /** Answers recorded at or before this instant have expired. */
  private expiredBefore(now: Instant): string {
    return new Date(Date.parse(now) - this.ttlMs).toISOString();
  }

  onApplicationShutdown(): void {
    this.db.close();
  }
}
