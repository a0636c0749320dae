import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SystemClock } from '@app/clock';
import { loadPolicyBook, type Plan } from '@app/policy';
import { benchmarkReport, printReport, type Target } from '../report';
import { History, type HistoryReport } from './history';
import { CONNECTIONS, type LoadResult, postTickets } from './load';
import { ROOT } from './processes';
import {
  APPS,
  type EngineStartup,
  type FirstStart,
  firstStart,
  KEYS,
  type Layout,
  LOAD_CUSTOMERS,
  type LoadCustomer,
  round,
  type Server,
  startBaseline,
  startEngine,
  stopEverything,
  ticketsOpened,
} from './servers';

const DEFAULT_SIZES = [0, 100_000, 1_000_000];
const DEFAULT_DURATION_SECONDS = 30;
const WARM_UP_SECONDS = 3;
const IDLE_SECONDS = 30;
/** Load rounds per server; the servers take turns, round after round, so that all see the same machine load. */
const ROUNDS = 5;
const CHANNEL_OF: Readonly<Record<Plan, 'forum' | 'email'>> = {
  standard: 'forum',
  priority: 'email',
  premium: 'email',
};
const TARGETS = {
  vsBaseline: 0.25,
  vsEmptyStore: 0.8,
  idleCpuPercent: 2,
  startupSeconds: 15,
  rssMegabytes: 512,
} as const;

const options = (): { sizes: number[]; durationSeconds: number } => {
  const { values } = parseArgs({
    options: { sizes: { type: 'string' }, duration: { type: 'string' } },
    strict: true,
  });
  const sizes = values.sizes === undefined ? DEFAULT_SIZES : values.sizes.split(',').map((size) => Number(size.trim()));
  const durationSeconds = values.duration === undefined ? DEFAULT_DURATION_SECONDS : Number(values.duration);
  if (sizes.some((size) => !Number.isInteger(size) || size < 0)) {
    throw new Error(`--sizes takes whole numbers of events separated by commas, not ${values.sizes}`);
  }
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1) {
    throw new Error(`--duration takes a whole number of seconds, not ${values.duration}`);
  }
  return { sizes: [...new Set(sizes)].sort((a, b) => a - b), durationSeconds };
};

const newestSource = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestSource(path));
    return entry.name.endsWith('.ts') && !/spec\.ts$/.test(entry.name)
      ? Math.max(newest, statSync(path).mtimeMs)
      : newest;
  }, 0);

/**
 * The benchmark measures the built apps, as `npm start` runs them: they must exist and be newer than the sources.
 * Webpack leaves a bundle whose content did not change untouched, so `npm run bench:load` touches them after building.
 */
const assertBuilt = (): void => {
  for (const [app, file] of Object.entries(APPS)) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first (\`npm run bench:load\` does)`);
    const sources = Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')));
    if (statSync(file).mtimeMs < sources) {
      throw new Error(`the ${app} in dist is older than the sources: run \`npm run build\` first`);
    }
  }
};

/** Customers that exist only as ids, for the baseline, which checks nothing. */
const baselineCustomers = (): LoadCustomer[] =>
  LOAD_CUSTOMERS.flatMap(([plan, count]) => Array.from({ length: count }, () => ({ id: randomUUID(), plan })));

interface Loaded {
  readonly name: string;
  readonly server: Server;
  readonly customers: readonly LoadCustomer[];
  readonly headers: Readonly<Record<string, string>>;
}

interface LoadFigures {
  /** Medians over the rounds. */
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly rounds: readonly LoadResult[];
}

/** Where a long run is, on stderr: stdout holds only the report. */
const progress = (message: string): void => {
  process.stderr.write(`bench:load: ${message}\n`);
};

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * A warm-up of each server, then {@link ROUNDS} rounds in which the servers take turns. Each request is a new ticket
 * for one of the server's customers with an Idempotency-Key of its own, as the API asks of clients; every answered
 * request must have appended one `TicketOpened` to the server's log.
 */
const loadRounds = async (loaded: readonly Loaded[], durationSeconds: number): Promise<Map<string, LoadFigures>> => {
  const run = randomUUID();
  const targetOf = ({ server, customers, headers }: Loaded, phase: string) => ({
    url: server.url,
    headers,
    headersOf: (n: number) => ({ 'idempotency-key': `${run}-${phase}-${n}` }),
    body: (n: number) => {
      const customer = customers[n % customers.length] as LoadCustomer;
      return JSON.stringify({
        customerId: customer.id,
        channel: CHANNEL_OF[customer.plan],
        subject: `Load ticket ${phase} ${n}`,
      });
    },
  });
  const before = loaded.map(({ server }) => ticketsOpened(server.eventsFile));
  const answered = loaded.map(() => 0);
  const rounds: LoadResult[][] = loaded.map(() => []);
  for (const [index, server] of loaded.entries()) {
    answered[index]! += (await postTickets(targetOf(server, 'warm-up'), WARM_UP_SECONDS)).requests;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, server] of loaded.entries()) {
      const result = await postTickets(targetOf(server, `round-${round}`), durationSeconds);
      progress(`round ${round + 1}: ${server.name} ${result.requestsPerSecond} requests/s`);
      answered[index]! += result.requests;
      rounds[index]!.push(result);
    }
  }
  return new Map(
    loaded.map((server, index) => {
      const appended = ticketsOpened(server.server.eventsFile) - (before[index] ?? 0);
      const count = answered[index] ?? 0;
      // a request in flight when the load generator stops may be appended without its answer being counted
      if (appended < count || appended > count + (ROUNDS + 1) * CONNECTIONS) {
        throw new Error(`${server.name}: ${count} tickets answered 201 but ${appended} TicketOpened appended`);
      }
      const results = rounds[index] ?? [];
      const figures: LoadFigures = {
        requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
        latencyMs: {
          p50: median(results.map((result) => result.latencyMs.p50)),
          p99: median(results.map((result) => result.latencyMs.p99)),
        },
        rounds: results,
      };
      return [server.name, figures];
    }),
  );
};

interface ProcessFigures {
  readonly api: number;
  readonly worker?: number;
}

const perProcess = async (server: Server, measure: (process: Server['processes'][number]) => Promise<number>) => {
  const [api = Number.NaN, worker] = await Promise.all(server.processes.map(measure));
  return { api, ...(worker === undefined ? {} : { worker }) } satisfies ProcessFigures;
};
const rssOf = (server: Server) => perProcess(server, (process) => process.rssMegabytes());
const idleCpuOf = (server: Server) =>
  perProcess(server, async (process) => round(await process.cpuPercentOver(IDLE_SECONDS * 1_000), 2));

interface EngineFigures {
  readonly startup: EngineStartup;
  readonly rssMbAfterStart: ProcessFigures;
  readonly idleCpuPercent: ProcessFigures;
  readonly load: LoadFigures;
  /** The median over the rounds of ours / the baseline's, each pair measured one after the other. */
  readonly vsBaseline: number;
  readonly vsBaselineByRound: readonly number[];
  readonly rssMbAfterLoad: ProcessFigures;
}

interface SizeResult {
  readonly log: HistoryReport;
  readonly firstStart: FirstStart;
  readonly baseline: LoadFigures;
  readonly embedded: EngineFigures;
  readonly redis: EngineFigures;
  readonly loadAverage: { readonly before: number; readonly after: number };
}

/**
 * One size: the log prefilled, a first start that builds the read models, then both layouts restarted on copies (one
 * after the other, each measured as it starts), their idle CPU over the same {@link IDLE_SECONDS}, the baseline
 * started, and the load rounds over all three.
 */
const measureSize = async (size: number, dir: string, durationSeconds: number): Promise<SizeResult> => {
  const loadBefore = round(loadavg()[0] ?? Number.NaN, 2);
  const logDir = join(dir, 'log');
  mkdirSync(logDir, { recursive: true });
  const history = new History(loadPolicyBook(join(ROOT, 'policies')), Date.parse(new SystemClock().now()));
  progress(`${size} events: prefilling`);
  const log = await history.fill(join(logDir, 'events.db'), size);
  progress(`${size} events: ${log.events} events appended in ${log.prefillSeconds} s`);
  const sampleFile = join(dir, 'sample-ticket-opened.json');
  writeFileSync(sampleFile, JSON.stringify(await history.sampleTicketOpened()));
  const first = await firstStart(logDir);
  progress(`${size} events: first start answered /health after ${first.apiToHealthOkSeconds} s`);
  const servers: Server[] = [];
  try {
    const engines = {} as Record<Layout, Awaited<ReturnType<typeof startEngine>> & { rss: ProcessFigures }>;
    for (const layout of ['embedded', 'redis'] as const) {
      const engine = await startEngine(layout, logDir, join(dir, layout));
      servers.push(engine);
      progress(`${size} events: ${layout} restarted, /health after ${engine.startup.apiToHealthOkSeconds} s`);
      engines[layout] = { ...engine, rss: await rssOf(engine) };
    }
    const [embeddedIdle, redisIdle] = await Promise.all([idleCpuOf(engines.embedded), idleCpuOf(engines.redis)]);
    const baseline = await startBaseline(logDir, join(dir, 'baseline'), sampleFile);
    servers.push(baseline);
    const agent = { authorization: `Bearer ${KEYS.agent}` };
    const loads = await loadRounds(
      [
        { name: 'baseline', server: baseline, customers: baselineCustomers(), headers: {} },
        { name: 'embedded', server: engines.embedded, customers: engines.embedded.customers, headers: agent },
        { name: 'redis', server: engines.redis, customers: engines.redis.customers, headers: agent },
      ],
      durationSeconds,
    );
    const baselineLoad = loads.get('baseline') as LoadFigures;
    const figuresOf = async (layout: Layout, idleCpuPercent: ProcessFigures): Promise<EngineFigures> => {
      const load = loads.get(layout) as LoadFigures;
      const vsBaselineByRound = load.rounds.map((result, index) =>
        round(result.requestsPerSecond / (baselineLoad.rounds[index]?.requestsPerSecond ?? Number.NaN), 2),
      );
      return {
        startup: engines[layout].startup,
        rssMbAfterStart: engines[layout].rss,
        idleCpuPercent,
        load,
        vsBaseline: median(vsBaselineByRound),
        vsBaselineByRound,
        rssMbAfterLoad: await rssOf(engines[layout]),
      };
    };
    return {
      log,
      firstStart: first,
      baseline: baselineLoad,
      embedded: await figuresOf('embedded', embeddedIdle),
      redis: await figuresOf('redis', redisIdle),
      loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? Number.NaN, 2) },
    };
  } finally {
    for (const server of servers) await server.stop();
  }
};

const targetsOf = (bySize: ReadonlyMap<number, SizeResult>): Target[] => {
  const targets: Target[] = [];
  const empty = bySize.get(0);
  const limit = (metric: string, value: number, target: number): Target => ({ metric, value, op: '<=', target });
  for (const [size, result] of bySize) {
    const at = `at ${size} events`;
    for (const layout of ['embedded', 'redis'] as const) {
      const run = result[layout];
      targets.push({
        metric: `${layout}: POST /tickets ${at}, ours / baseline`,
        value: run.vsBaseline,
        op: '>=',
        target: TARGETS.vsBaseline,
      });
      if (size > 0 && empty) {
        targets.push({
          metric: `${layout}: POST /tickets ${at} / on an empty store`,
          value: round(run.load.requestsPerSecond / empty[layout].load.requestsPerSecond, 2),
          op: '>=',
          target: TARGETS.vsEmptyStore,
        });
      }
      targets.push(
        limit(
          `${layout}: api restart to /health 200 ${at} (s)`,
          run.startup.apiToHealthOkSeconds,
          TARGETS.startupSeconds,
        ),
        limit(`${layout}: api idle CPU ${at} (% of a core)`, run.idleCpuPercent.api, TARGETS.idleCpuPercent),
        limit(`${layout}: api RSS after start ${at} (MB)`, run.rssMbAfterStart.api, TARGETS.rssMegabytes),
      );
      if (run.startup.workerSeconds !== undefined) {
        targets.push(limit(`${layout}: worker start-up ${at} (s)`, run.startup.workerSeconds, TARGETS.startupSeconds));
      }
      if (run.idleCpuPercent.worker !== undefined) {
        targets.push(
          limit(`${layout}: worker idle CPU ${at} (% of a core)`, run.idleCpuPercent.worker, TARGETS.idleCpuPercent),
        );
      }
      if (run.rssMbAfterStart.worker !== undefined) {
        targets.push(
          limit(`${layout}: worker RSS after start ${at} (MB)`, run.rssMbAfterStart.worker, TARGETS.rssMegabytes),
        );
      }
    }
    targets.push(
      limit(
        `embedded: first start (no read models) to /health 200 ${at} (s)`,
        result.firstStart.apiToHealthOkSeconds,
        TARGETS.startupSeconds,
      ),
    );
  }
  return targets;
};

const main = async (): Promise<void> => {
  const { sizes, durationSeconds } = options();
  assertBuilt();
  const directory = mkdtempSync(join(tmpdir(), 'bench-load-'));
  try {
    const bySize = new Map<number, SizeResult>();
    for (const size of sizes) {
      bySize.set(size, await measureSize(size, join(directory, String(size)), durationSeconds));
      rmSync(join(directory, String(size)), { recursive: true, force: true });
    }
    printReport(
      benchmarkReport(
        'load',
        {
          unit: 'requests per second; latency in milliseconds; seconds; MB; CPU in percent of one core',
          request:
            'POST /tickets, a new ticket for one of 30 customers registered over HTTP, with its own Idempotency-Key',
          connections: CONNECTIONS,
          durationSeconds,
          rounds: ROUNDS,
          warmUpSeconds: WARM_UP_SECONDS,
          idleSeconds: IDLE_SECONDS,
          engine: 'dist/apps/api/main.js and dist/apps/worker/main.js, LOG_LEVEL info, RATE_LIMIT_PER_MINUTE raised',
          baseline:
            'node:http + better-sqlite3 inserting the TicketOpened row into the same events table (WAL, synchronous=FULL, busy_timeout=5000)',
          bySize: Object.fromEntries(bySize),
        },
        targetsOf(bySize),
      ),
    );
    rmSync(directory, { recursive: true, force: true });
  } catch (error) {
    process.stderr.write(`the logs of the processes are kept in ${directory}\n`);
    throw error;
  } finally {
    await stopEverything();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
