import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Clock, Instant } from '@app/clock';
import { CLOCK } from '@app/clock';
import { ProblemException } from '../http/problem';
import type { Request } from 'express';
import { bearerKey } from './bearer-key';
import { type Actor, OPERATORS, ROLES, type Role } from './roles';

const storedKeySchema = z.strictObject({
  name: z.string().regex(/^[\w.-]{1,64}$/),
  role: z.enum(ROLES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});
const keyFileSchema = z.strictObject({ keys: z.array(storedKeySchema) });

export type StoredKey = z.infer<typeof storedKeySchema>;
export type KeySummary = Omit<StoredKey, 'sha256' | 'createdAt'> & {
  /** `null` for the keys listed in `API_KEYS`. */
  readonly createdAt: string | null;
  readonly source: 'file' | 'environment';
};

const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');

/** 256 random bits: a SHA-256 of such a key cannot be reversed by guessing, so no slow hash is needed. */
const newKey = (): string => `sla_${randomBytes(32).toString('base64url')}`;

/** Beside `API_KEYS_FILE`: where the first admin key is left when no terminal is attached. */
export const INITIAL_ADMIN_KEY_FILE = 'initial-admin-key';

const isEmbedded = (url: string): boolean => url.startsWith('sqlite:') || url === 'memory:';

/**
 * API keys: those listed in `API_KEYS` (development and tests) and those in `API_KEYS_FILE`, where only the SHA-256 of
 * each key is kept. The first embedded start without any key creates an admin key and prints it once.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  private readonly logger = new Logger('ApiKeys');
  private byHash = new Map<string, KeySummary>();
  private loadedVersion = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.reload();
    if (this.byHash.size > 0) return;
    if (!isEmbedded(this.config.EVENT_STORE_URL)) {
      throw new Error(`no API key configured: set API_KEYS or provide ${this.config.API_KEYS_FILE}`);
    }
    this.handOver(this.create('admin', 'admin'));
  }

  /** The first admin key never enters the structured log: it is shown on the terminal, or left in an owner-only file. */
  private handOver(key: string): void {
    if (process.stdout.isTTY) {
      process.stdout.write(`\nAdmin API key (shown once; only its SHA-256 is stored):\n\n  ${key}\n\n`);
      return;
    }
    const file = join(dirname(this.config.API_KEYS_FILE), INITIAL_ADMIN_KEY_FILE);
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.logger.log(`Admin API key created: it is in ${file}, readable only by this user; delete the file once read`);
  }

  /** The actor a bearer key belongs to, or undefined for an unknown key. */
  identify(key: string): Actor | undefined {
    const hash = hashOf(key);
    // Another process (an api replica) may have added the key since this one read the file.
    if (!this.byHash.has(hash) && this.fileVersion() !== this.loadedVersion) this.reload();
    const found = this.byHash.get(hash);
    return found && { id: found.name, role: found.role };
  }

  /** Whether the request carries the key of an operator (`ops`, `admin`); an unknown or absent key is not one. */
  isOperator(request: Request): boolean {
    const key = bearerKey(request);
    const role = key === undefined ? undefined : this.identify(key)?.role;
    return role !== undefined && OPERATORS.includes(role);
  }

  list(): KeySummary[] {
    return [...this.byHash.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates a key, stores its hash and returns the key itself, which is never shown again. */
  create(name: string, role: Role): string {
    if (this.list().some((existing) => existing.name === name)) {
      throw ProblemException.of(409, 'api-key-name-taken', `An API key named ${name} already exists.`, { name });
    }
    const key = newKey();
    const createdAt: Instant = this.clock.now();
    this.writeFile([...this.readFile(), { name, role, sha256: hashOf(key), createdAt }]);
    this.reload();
    this.logger.log(`API key ${name} (${role}) created`);
    return key;
  }

  private fileVersion(): string {
    const file = this.config.API_KEYS_FILE;
    if (!existsSync(file)) return '';
    const { mtimeMs, size, ino } = statSync(file);
    return `${ino}:${mtimeMs}:${size}`;
  }

  private reload(): void {
    this.loadedVersion = this.fileVersion();
    const listed: [string, KeySummary][] = (this.config.API_KEYS ?? []).map(({ name, role, key }) => [
      hashOf(key),
      { name, role, createdAt: null, source: 'environment' },
    ]);
    const stored: [string, KeySummary][] = this.readFile().map(({ sha256, ...summary }) => [
      sha256,
      { ...summary, source: 'file' },
    ]);
    this.byHash = new Map([...stored, ...listed]);
  }

  private readFile(): StoredKey[] {
    const file = this.config.API_KEYS_FILE;
    if (!existsSync(file)) return [];
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${String(error)}`);
    }
    const parsed = keyFileSchema.safeParse(content);
    if (!parsed.success) throw new Error(`${file} is not a valid API key file: ${parsed.error.message}`);
    return parsed.data.keys;
  }

  private writeFile(keys: readonly StoredKey[]): void {
    const file = this.config.API_KEYS_FILE;
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }
}
