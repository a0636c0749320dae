import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OwnRedis } from '../timers/own-redis';
import { freePort, Process, ROOT } from './processes';

/** A process counts as settled once it uses less than this share of a core, second after second. */
const SETTLED_CPU_PERCENT = 5;
const START_TIMEOUT_MS = 15 * 60_000;
const BASELINE_SERVER = join(__dirname, 'baseline-server.ts');

export const APPS = {
  api: join(ROOT, 'dist/apps/api/main.js'),
  worker: join(ROOT, 'dist/apps/worker/main.js'),
} as const;

export type Layout = 'embedded' | 'redis';

export const KEYS = {
  admin: `bench_admin_${randomBytes(16).toString('hex')}`,
  agent: `bench_agent_${randomBytes(16).toString('hex')}`,
} as const;

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

const countOf = (file: string, sql: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).pluck().get() as number | null) ?? 0;
  } finally {
    db.close();
  }
};

export const ticketsOpened = (eventsFile: string): number =>
  countOf(eventsFile, "SELECT COUNT(*) FROM events WHERE type = 'TicketOpened'");

/** Whether the read models in `readModelsFile` have applied every event of `eventsFile`. */
const isReadSideAtEnd = (eventsFile: string, readModelsFile: string): boolean => {
  const last = countOf(eventsFile, 'SELECT MAX(position) FROM events');
  try {
    return countOf(readModelsFile, 'SELECT MIN(COALESCE(position, 0)) FROM projection_checkpoints') >= last;
  } catch {
    return false; // not created yet
  }
};

/**
 * Waits until the read models have applied the whole log and every process has used less than
 * {@link SETTLED_CPU_PERCENT} of a core for two seconds in a row (the reactors have caught up too); returns the seconds
 * since the first of `processes` was spawned.
 */
const settle = async (processes: readonly Process[], eventsFile: string, readModelsFile: string): Promise<number> => {
  const started = processes[0]?.startedAt ?? performance.now();
  const deadline = performance.now() + START_TIMEOUT_MS;
  let quietSeconds = 0;
  while (quietSeconds < 2) {
    if (performance.now() > deadline) throw new Error(`the engine did not settle within ${START_TIMEOUT_MS} ms`);
    const usage = await Promise.all(processes.map((process) => process.cpuPercentOver(1_000)));
    for (const process of processes) process.assertRunning('settling');
    const isQuiet = usage.every((percent) => percent < SETTLED_CPU_PERCENT);
    quietSeconds = isQuiet && isReadSideAtEnd(eventsFile, readModelsFile) ? quietSeconds + 1 : 0;
  }
  return round((performance.now() - started) / 1_000);
};

/** Copies the files of `from` named `names`, with their `-wal` and `-shm` companions, into `to`. */
export const copyFiles = (from: string, to: string, names: readonly string[]): void => {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (names.some((name) => entry === name || entry.startsWith(`${name}-`)))
      cpSync(join(from, entry), join(to, entry));
  }
};

const engineEnv = (dir: string, port: number, redisUrl?: string): Record<string, string> => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  EVENT_STORE_URL: `sqlite:${join(dir, 'events.db')}`,
  READ_MODELS_PATH: join(dir, 'read-models.db'),
  API_KEYS_FILE: join(dir, 'api-keys.json'),
  POLICIES_DIR: join(ROOT, 'policies'),
  API_KEYS: `bench-admin:admin:${KEYS.admin},bench-agent:agent:${KEYS.agent}`,
  // the default of 600 a minute per key would measure the limiter, not the engine
  RATE_LIMIT_PER_MINUTE: '1000000000',
  ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
});

const running = new Set<Process>();

const startNode = (name: string, args: readonly string[], env: Record<string, string>, dir: string): Process => {
  const process = Process.node(name, args, env, join(dir, `${name}.log`));
  running.add(process);
  return process;
};

const stopAll = async (processes: Iterable<Process>): Promise<void> => {
  for (const process of [...processes]) {
    await process.stop();
    running.delete(process);
  }
};

/** Ends every process the benchmark started and has not stopped yet. */
export const stopEverything = (): Promise<void> => stopAll(running);

/** Something `POST /tickets` can be sent to, writing to `eventsFile`. */
export interface Server {
  readonly url: string;
  readonly eventsFile: string;
  /** The api first, then the worker if any. */
  readonly processes: readonly Process[];
  stop(): Promise<void>;
}

export interface FirstStart {
  /** From spawn to the first `/health` 200. */
  readonly apiToHealthOkSeconds: number;
  /** From spawn until the read models have applied the log and the reactors have caught up. */
  readonly settledSeconds: number;
  readonly apiRssMb: number;
}

/** The first start of an embedded engine on the prefilled log in `dir`, with no read models: it builds them there. */
export const firstStart = async (dir: string): Promise<FirstStart> => {
  const port = await freePort();
  const api = startNode('api', [APPS.api], engineEnv(dir, port), dir);
  try {
    const apiToHealthOkSeconds = round(await api.waitForOk(`http://127.0.0.1:${port}/health`, START_TIMEOUT_MS));
    const settledSeconds = await settle([api], join(dir, 'events.db'), join(dir, 'read-models.db'));
    return { apiToHealthOkSeconds, settledSeconds, apiRssMb: await api.rssMegabytes() };
  } finally {
    await stopAll([api]);
  }
};

export interface EngineStartup {
  /** Redis layout: from the worker's spawn to its `worker started` line, once it has reconciled the timers. */
  readonly workerSeconds?: number;
  readonly apiToHealthOkSeconds: number;
  /** From the api's spawn until the read models have applied the log and every process is quiet. */
  readonly apiSettledSeconds: number;
}

/**
 * Restarts the engine on a copy of the log and of the read models in `template`, as after any restart: `embedded`
 * (one process, timers in process) or `redis` (a Redis of its own, one worker started first, then the api).
 */
export const startEngine = async (
  layout: Layout,
  template: string,
  dir: string,
): Promise<Server & { readonly startup: EngineStartup }> => {
  copyFiles(template, dir, ['events.db', 'read-models.db']);
  const eventsFile = join(dir, 'events.db');
  const redis = layout === 'redis' ? await OwnRedis.start() : undefined;
  const processes: Process[] = [];
  const stop = async () => {
    await stopAll(processes);
    await redis?.stop();
  };
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = engineEnv(dir, port, redis?.url);
    let workerSeconds: number | undefined;
    if (redis) {
      const workerDir = join(dir, 'worker');
      copyFiles(template, workerDir, ['read-models.db']);
      const worker = startNode(
        'worker',
        [APPS.worker],
        { ...env, READ_MODELS_PATH: join(workerDir, 'read-models.db') },
        dir,
      );
      processes.push(worker);
      workerSeconds = round(await worker.waitForLog(/worker started/, START_TIMEOUT_MS));
    }
    const api = startNode('api', [APPS.api], env, dir);
    processes.unshift(api);
    const apiToHealthOkSeconds = round(await api.waitForOk(`${url}/health`, START_TIMEOUT_MS));
    const apiSettledSeconds = await settle(processes, eventsFile, join(dir, 'read-models.db'));
    return {
      url,
      eventsFile,
      processes,
      stop,
      startup: { ...(workerSeconds === undefined ? {} : { workerSeconds }), apiToHealthOkSeconds, apiSettledSeconds },
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** The bare baseline on a copy of the log in `template`. */
export const startBaseline = async (template: string, dir: string, sampleFile: string): Promise<Server> => {
  copyFiles(template, dir, ['events.db']);
  const eventsFile = join(dir, 'events.db');
  const port = await freePort();
  const args = ['--import', 'tsx', BASELINE_SERVER, String(port), eventsFile, sampleFile];
  const server = startNode('baseline', args, {}, dir);
  try {
    await server.waitForLog(/^listening on \d+$/, 60_000);
  } catch (error) {
    await stopAll([server]);
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, eventsFile, processes: [server], stop: () => stopAll([server]) };
};
