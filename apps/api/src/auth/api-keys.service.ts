import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { CLOCK, type Clock, type Instant } from '@app/clock';
import {
  API_KEYS_STREAM,
  type ApiKeyCommand,
  type ApiKeyEvent,
  ApiKeyNameTaken,
  type ApiKeyOrigin,
  type ApiKeyRegistry,
  type RegisteredKey,
  apiKeyDecider,
  evolveApiKeyRegistry,
  initialApiKeyRegistry,
  keyOfSecret,
} from '@app/domain';
import { ConcurrencyConflict, EVENT_STORE, type EventStore, handleCommand } from '@app/event-store';
import type { CommandMetadata } from '@app/kernel';
import { bearerKey } from './bearer-key';
import { type Actor, OPERATORS, ROLES, type Role } from './roles';

const storedKeySchema = z.strictObject({
  name: z.string().regex(/^[\w.-]{1,64}$/),
  role: z.enum(ROLES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});
const keyFileSchema = z.strictObject({ keys: z.array(storedKeySchema) });

/** A key as listed: never its secret nor the secret's hash. */
export interface KeySummary {
  /** `null` for the keys listed in `API_KEYS`. */
  readonly id: string | null;
  readonly name: string;
  readonly role: string;
  readonly source: ApiKeyOrigin | 'environment';
  /** `null` for the keys listed in `API_KEYS`. */
  readonly createdAt: Instant | null;
  readonly revokedAt: Instant | null;
  /** Until when the secret replaced by the last rotation is still accepted. */
  readonly previousKeyValidUntil: Instant | null;
}

export interface NewKey {
  readonly summary: KeySummary;
  readonly key: string;
}

/** Beside `API_KEYS_FILE`: where the first admin key is left when no terminal is attached. */
export const INITIAL_ADMIN_KEY_FILE = 'initial-admin-key';

/** The namespace of the ids of keys imported from an `API_KEYS_FILE`. Never change it. */
const IMPORTED_KEY_NAMESPACE = '0f6f1c52-2f0e-4a8e-9a57-3f3f5cde2b11';

/** A revocation made through another process is seen within this delay (plus one read of the keys stream). */
const FRESHNESS_MS = 500;
/** Creations race only with other processes (one at a time in each): a few jittered retries settle them. */
const CONFLICT_ATTEMPTS = 8;
const SYSTEM_ACTOR = { id: 'sla-engine', role: 'system' } as const;

const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');

/** 256 random bits: a SHA-256 of such a key cannot be reversed by guessing, so no slow hash is needed. */
const newKey = (): string => `sla_${randomBytes(32).toString('base64url')}`;

const isEmbedded = (url: string): boolean => url.startsWith('sqlite:') || url === 'memory:';

const summaryOf = (key: RegisteredKey): KeySummary => ({
  id: key.keyId,
  name: key.name,
  role: key.role,
  source: key.origin,
  createdAt: key.issuedAt,
  revokedAt: key.revokedAt,
  previousKeyValidUntil: key.secrets[1]?.validUntil ?? null,
});

/**
 * API keys: those listed in `API_KEYS` (development and tests) and those issued, rotated and revoked as events of the
 * keys stream, which every process reads; only the SHA-256 of each key is stored. The first embedded start without
 * any key issues an admin key; the keys of an `API_KEYS_FILE` from an earlier release are imported once.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  private readonly logger = new Logger('ApiKeys');
  private readonly listed: ReadonlyMap<string, Actor>;
  private registry: ApiKeyRegistry = initialApiKeyRegistry;
  private revision = -1;
  private readAt = Number.NEGATIVE_INFINITY;
  private catchingUp: Promise<void> | undefined;
  private commands: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.listed = new Map((config.API_KEYS ?? []).map(({ name, role, key }) => [hashOf(key), { id: name, role }]));
  }

  async onModuleInit(): Promise<void> {
    await this.catchUp();
    await this.importKeyFile();
    const hasActiveKey = [...this.registry.keys.values()].some((key) => key.revokedAt === null);
    if (hasActiveKey || this.listed.size > 0) return;
    if (!isEmbedded(this.config.EVENT_STORE_URL)) {
      throw new Error('no API key configured: set API_KEYS (with EventStoreDB the engine issues no first key itself)');
    }
    try {
      this.handOver((await this.issue('admin', 'admin', 'first-start', this.systemMetadata())).key);
    } catch (error) {
      // Another process starting on the same store issued it first.
      if (!(error instanceof ApiKeyNameTaken)) throw error;
    }
  }

  /** The actor a bearer key belongs to, or undefined for an unknown, revoked or expired key. */
  async identify(key: string): Promise<Actor | undefined> {
    const hash = hashOf(key);
    const listed = this.listed.get(hash);
    if (listed) return listed;
    const isKnown = keyOfSecret(this.registry, hash, this.clock.now()) !== undefined;
    if (!isKnown || performance.now() - this.readAt > FRESHNESS_MS) await this.catchUp();
    const found = keyOfSecret(this.registry, hash, this.clock.now());
    return found && { id: found.name, role: found.role as Role };
  }

  /** Whether the request carries the key of an operator (`ops`, `admin`); an unknown or absent key is not one. */
  async isOperator(request: Request): Promise<boolean> {
    const key = bearerKey(request);
    const role = key === undefined ? undefined : (await this.identify(key))?.role;
    return role !== undefined && OPERATORS.includes(role);
  }

  async list(): Promise<KeySummary[]> {
    await this.catchUp();
    const listed = [...this.listed.values()].map(({ id, role }): KeySummary => ({
      id: null,
      name: id,
      role,
      source: 'environment',
      createdAt: null,
      revokedAt: null,
      previousKeyValidUntil: null,
    }));
    return [...[...this.registry.keys.values()].map(summaryOf), ...listed].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Issues a key and returns it: it is never shown again, only its SHA-256 is stored. */
  async issue(name: string, role: Role, origin: ApiKeyOrigin, metadata: CommandMetadata): Promise<NewKey> {
    if ([...this.listed.values()].some((listed) => listed.id === name)) throw new ApiKeyNameTaken(name);
    const key = newKey();
    const keyId = randomUUID();
    await this.run({ type: 'IssueApiKey', data: { keyId, name, role, sha256: hashOf(key), origin }, metadata });
    this.logger.log(`API key ${name} (${role}) issued`);
    return { summary: this.summary(keyId), key };
  }

  async rotate(keyId: string, graceMinutes: number, metadata: CommandMetadata): Promise<NewKey> {
    const key = newKey();
    await this.run({ type: 'RotateApiKey', data: { keyId, sha256: hashOf(key), graceMinutes }, metadata });
    return { summary: this.summary(keyId), key };
  }

  async revoke(keyId: string, metadata: CommandMetadata): Promise<KeySummary> {
    await this.run({ type: 'RevokeApiKey', data: { keyId }, metadata });
    return this.summary(keyId);
  }

  private summary(keyId: string): KeySummary {
    const key = this.registry.keys.get(keyId);
    if (!key) throw new Error(`API key ${keyId} missing from the registry it was just recorded in`);
    return summaryOf(key);
  }

  /** One command at a time in this process; a conflict with another process is retried after a jittered pause. */
  private run(command: ApiKeyCommand): Promise<void> {
    const run = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await handleCommand(this.store, API_KEYS_STREAM, apiKeyDecider(command), command.metadata);
          if (outcome.outcome === 'refused') throw outcome.refusal;
          return await this.catchUp();
        } catch (error) {
          if (!(error instanceof ConcurrencyConflict) || attempt === CONFLICT_ATTEMPTS) throw error;
          await sleep(attempt * 10 + Math.random() * 20);
        }
      }
    };
    // The caller awaits `done` and sees its failure; the next command runs after it either way (`then(run, run)`).
    const done = this.commands.then(run, run);
    this.commands = done;
    return done;
  }

  /** Applies what the keys stream gained since the last read; concurrent callers share one read. */
  private catchUp(): Promise<void> {
    this.catchingUp ??= (async () => {
      const startedAt = performance.now();
      try {
        for await (const event of this.store.readStream(API_KEYS_STREAM, { fromRevision: this.revision + 1 })) {
          this.registry = evolveApiKeyRegistry(this.registry, event as unknown as ApiKeyEvent);
          this.revision = event.revision;
        }
        this.readAt = startedAt;
      } finally {
        this.catchingUp = undefined;
      }
    })();
    return this.catchingUp;
  }

  private systemMetadata(): CommandMetadata {
    const commandId = randomUUID();
    return { now: this.clock.now(), commandId, correlationId: commandId, actor: SYSTEM_ACTOR };
  }

  /** The keys of `API_KEYS_FILE`, a file of earlier releases: each becomes an event once, and stays revocable. */
  private async importKeyFile(): Promise<void> {
    const file = this.config.API_KEYS_FILE;
    if (!existsSync(file)) return;
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(
        `API_KEYS_FILE ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const parsed = keyFileSchema.safeParse(content);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
      throw new Error(`API_KEYS_FILE ${file} is not a valid API key file: ${problems.join('; ')}`);
    }
    for (const { name, role, sha256 } of parsed.data.keys) {
      const keyId = uuidv5(sha256, IMPORTED_KEY_NAMESPACE);
      if (this.registry.keys.has(keyId)) continue;
      await this.run({
        type: 'IssueApiKey',
        data: { keyId, name, role, sha256, origin: 'imported' },
        metadata: this.systemMetadata(),
      }).catch((error: unknown) => {
        if (!(error instanceof ApiKeyNameTaken)) throw error;
        this.logger.warn(`API key ${name} of ${file} not imported: a key of that name already exists`);
      });
    }
  }

  /** The first admin key never enters the structured log: it is shown on the terminal, or left in an owner-only file. */
  private handOver(key: string): void {
    if (process.stdout.isTTY) {
      process.stdout.write(`\nAdmin API key (shown once; only its SHA-256 is stored):\n\n  ${key}\n\n`);
      return;
    }
    const file = join(dirname(this.config.API_KEYS_FILE), INITIAL_ADMIN_KEY_FILE);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.logger.log(`Admin API key created: it is in ${file}, readable only by this user; delete the file once read`);
  }
}
