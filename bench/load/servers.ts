import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Plan } from '@app/policy';
import { freePort, OwnRedis } from '../timers/own-redis';
import { Process, ROOT, sleep } from './processes';

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

const reactorCheckpoints = (file: string): Record<string, number> => {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT reactor, position FROM reactor_checkpoints ORDER BY reactor').all() as {
        reactor: string;
        position: number;
      }[];
      return Object.fromEntries(rows.map(({ reactor, position }) => [reactor, position]));
    } finally {
      db.close();
    }
  } catch {
    return {}; // not created yet
  }
};

interface SettleCheck {
  readonly eventsFile: string;
  /** The file of the api's read models. */
  readonly readModelsFile: string;
  /** The file of the reactors' checkpoints: the api's in the embedded layout, the worker's with Redis. */
  readonly reactorsFile: string;
  /**
   * The customer-standing reactor reads the log before it follows it; once its checkpoint reaches this position (a
   * customer registered after the start), it has finished.
   */
  readonly standingPosition?: number;
}

/** The reactor whose checkpoint moves with every customer event. */
const STANDING_REACTOR = 'customer-standing';

/**
 * Waits until the read models have applied the whole log, the customer-standing reactor has reached
 * `standingPosition`, and no reactor checkpoint has moved for 3 s (the reactors have caught up); returns the seconds
 * since the first of `processes` was spawned. Not a CPU threshold: what the engine uses once idle is what the
 * benchmark measures.
 */
const settle = async (processes: readonly Process[], check: SettleCheck): Promise<number> => {
  const started = processes[0]?.startedAt ?? performance.now();
  const deadline = performance.now() + START_TIMEOUT_MS;
  let previous = '';
  let stableSeconds = 0;
  for (;;) {
    for (const process of processes) process.assertRunning('settling');
    const checkpoints = reactorCheckpoints(check.reactorsFile);
    const snapshot = JSON.stringify(checkpoints);
    stableSeconds = snapshot === previous ? stableSeconds + 1 : 0;
    previous = snapshot;
    const standing = checkpoints[STANDING_REACTOR];
    const isStandingFollowing =
      check.standingPosition === undefined || (standing !== undefined && standing >= check.standingPosition);
    if (stableSeconds >= 3 && isStandingFollowing && isReadSideAtEnd(check.eventsFile, check.readModelsFile)) {
      return round((performance.now() - started) / 1_000);
    }
    if (performance.now() > deadline) {
      throw new Error(`the engine did not settle within ${START_TIMEOUT_MS} ms: reactor checkpoints ${snapshot}`);
    }
    await sleep(1_000);
  }
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

/**
 * The first start of an embedded engine on the prefilled log in `dir`, with no read models: it builds them there, and
 * the reactors' checkpoints beside them.
 */
export const firstStart = async (dir: string): Promise<FirstStart> => {
  const port = await freePort();
  const api = startNode('api', [APPS.api], engineEnv(dir, port), dir);
  const eventsFile = join(dir, 'events.db');
  const readModelsFile = join(dir, 'read-models.db');
  try {
    const apiToHealthOkSeconds = round(await api.waitForOk(`http://127.0.0.1:${port}/health`, START_TIMEOUT_MS));
    const isLogEmpty = countOf(eventsFile, 'SELECT COUNT(*) FROM events') === 0;
    const settledSeconds = await settle([api], {
      eventsFile,
      readModelsFile,
      reactorsFile: readModelsFile,
      ...(isLogEmpty ? {} : { standingPosition: 0 }),
    });
    return { apiToHealthOkSeconds, settledSeconds, apiRssMb: await api.rssMegabytes() };
  } finally {
    await stopAll([api]);
  }
};

export interface EngineStartup {
  /** Redis layout: from the worker's spawn to its `worker started` line, once it has reconciled the timers. */
  readonly workerSeconds?: number;
  readonly apiToHealthOkSeconds: number;
  /**
   * From the api's spawn until the load's customers, registered right after the first `/health` 200, have reached the
   * reactors and the read models.
   */
  readonly apiSettledSeconds: number;
}

export interface LoadCustomer {
  readonly id: string;
  readonly plan: Plan;
}

/** Ten customers per plan, registered over HTTP, for the load to open tickets for. */
export const LOAD_CUSTOMERS: readonly (readonly [Plan, number])[] = [
  ['standard', 10],
  ['priority', 10],
  ['premium', 10],
];

const registerCustomers = async (url: string): Promise<LoadCustomer[]> => {
  const customers: LoadCustomer[] = [];
  for (const [plan, count] of LOAD_CUSTOMERS) {
    for (let n = 0; n < count; n++) {
      const response = await fetch(`${url}/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Load ${plan} ${n}`, licences: 25, plan }),
      });
      const body = (await response.json()) as { id?: string };
      if (response.status !== 201 || !body.id) {
        throw new Error(`POST /customers answered ${response.status}: ${JSON.stringify(body)}`);
      }
      customers.push({ id: body.id, plan });
    }
  }
  return customers;
};

/**
 * Restarts the engine on a copy of the log and of the read models in `template`, as after any restart: `embedded`
 * (one process, timers in process) or `redis` (a Redis of its own, one worker started first, then the api).
 */
export const startEngine = async (
  layout: Layout,
  template: string,
  dir: string,
): Promise<Server & { readonly startup: EngineStartup; readonly customers: readonly LoadCustomer[] }> => {
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
    const workerReadModels = join(dir, 'worker', 'read-models.db');
    if (redis) {
      copyFiles(template, join(dir, 'worker'), ['read-models.db']);
      const worker = startNode('worker', [APPS.worker], { ...env, READ_MODELS_PATH: workerReadModels }, dir);
      processes.push(worker);
      workerSeconds = round(await worker.waitForLog(/worker started/, START_TIMEOUT_MS));
    }
    const api = startNode('api', [APPS.api], env, dir);
    processes.unshift(api);
    const apiToHealthOkSeconds = round(await api.waitForOk(`${url}/health`, START_TIMEOUT_MS));
    const customers = await registerCustomers(url);
    const readModelsFile = join(dir, 'read-models.db');
    const apiSettledSeconds = await settle(processes, {
      eventsFile,
      readModelsFile,
      reactorsFile: redis ? workerReadModels : readModelsFile,
      standingPosition: countOf(eventsFile, 'SELECT MAX(position) FROM events'),
    });
    return {
      url,
      eventsFile,
      processes,
      stop,
      customers,
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
