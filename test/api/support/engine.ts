import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK, FixedClock } from '@app/clock';
import { parseConfig } from '@app/config';
import { AppModule } from '../../../apps/api/src/app.module';
import { configureApp, createApp } from '../../../apps/api/src/create-app';

export const ROLES = ['agent', 'lead', 'ops', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** One key per role, listed in API_KEYS as the development setup does. */
export const KEYS: Readonly<Record<Role, string>> = {
  agent: 'agent-key-0123456789abcdef',
  lead: 'lead-key-0123456789abcdef',
  ops: 'ops-key-0123456789abcdef',
  auditor: 'auditor-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef',
};
const LISTED_KEYS = ROLES.map((role) => `${role}1:${role}:${KEYS[role]}`).join(',');

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** The body as a loose record, for reading fields in assertions. */
  readonly json: Record<string, unknown>;
}

export interface Engine {
  readonly url: string;
  readonly dataDir: string;
  readonly eventsFile: string;
  readonly app: INestApplication;
  readonly clock: FixedClock | undefined;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface CallOptions {
  readonly as?: Role;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface EngineOptions {
  readonly env?: Record<string, string>;
  /** Starts the engine on a {@link FixedClock} at this instant instead of the system clock. */
  readonly now?: string;
  /** Replaces providers of the application, to break one part of it for real. */
  readonly configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** Starts the whole engine on a free port, with a SQLite events file in a fresh temporary folder. */
export const startEngine = async ({ env = {}, now, configure }: EngineOptions = {}): Promise<Engine> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sla-api-'));
  const eventsFile = join(dataDir, 'events.db');
  const config = parseConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      EVENT_STORE_URL: `sqlite:${eventsFile}`,
      API_KEYS_FILE: join(dataDir, 'api-keys.json'),
      API_KEYS: LISTED_KEYS,
      POLICIES_DIR: join(__dirname, '..', '..', '..', 'policies'),
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
      ...env,
    },
    false,
  );
  const clock = now === undefined ? undefined : new FixedClock(now);
  const app = clock || configure ? await createAppWith(config, clock, configure) : await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers.authorization = `Bearer ${KEYS[options.as]}`;
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const body: unknown = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body, json: body as Record<string, unknown> };
  };
  const close = async (): Promise<void> => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, dataDir, eventsFile, app, clock, call, close };
};

/** The same application as `createApp`, with the clock and whatever `configure` replaces replaced. */
const createAppWith = async (
  config: ReturnType<typeof parseConfig>,
  clock: FixedClock | undefined,
  configure: EngineOptions['configure'] = (builder) => builder,
): Promise<INestApplication> => {
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  const moduleRef = await configure(clock ? builder.overrideProvider(CLOCK).useValue(clock) : builder).compile();
  return configureApp(moduleRef.createNestApplication({ bufferLogs: true }));
};
