import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { eventually } from '@app/clock/test-support/eventually';
import { runCommand } from '../support/process';
import { type TimerKind, timerId } from '@app/domain';
import type { Timer } from '@app/scheduling';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export const uniqueQueueName = (): string => `test-${randomUUID()}`;

/** Fails the test with one line when Redis does not answer, instead of a timeout deep inside BullMQ. */
export const requireRedis = async (url: string = REDIS_URL): Promise<void> => {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis at ${url} does not answer (${String(error)}): start redis-server or set REDIS_URL`);
  } finally {
    redis.disconnect();
  }
};

/** {@link eventually} for a condition, failing with `what`: the form test/faults waits with. */
export const waitFor = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> =>
  eventually(async () => {
    if (!(await condition())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }, timeoutMs);

export const aTimer = (overrides: {
  kind?: TimerKind;
  ticketId?: string;
  clockId?: string;
  generation?: number;
  dueAt: string;
}): Timer => {
  const kind = overrides.kind ?? 'breach';
  const ticketId = overrides.ticketId ?? randomUUID();
  const clockId = overrides.clockId ?? 'first-response';
  const generation = overrides.generation ?? 1;
  return {
    id: timerId(kind, ticketId, clockId, generation),
    dueAt: overrides.dueAt,
    payload: { kind, ticketId, clockId, generation, dueAt: overrides.dueAt },
  };
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

export interface OwnRedisOptions {
  readonly port?: number;
  /** Keeps every write in an append-only file there, so that a restart loses nothing; default: no persistence. */
  readonly dataDir?: string;
}

/** A throw-away redis-server, for tests that flush, stop or restart Redis. */
export class OwnRedis {
  private constructor(
    private process: ChildProcess,
    readonly port: number,
    private readonly dataDir: string | undefined,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start({ port, dataDir }: OwnRedisOptions = {}): Promise<OwnRedis> {
    const chosen = port ?? (await freePort());
    const persistence =
      dataDir === undefined
        ? ['--appendonly', 'no']
        : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dataDir];
    const { child } = runCommand(
      'redis-server',
      ['--port', String(chosen), '--save', '', ...persistence, '--bind', '127.0.0.1'],
      {},
    );
    const own = new OwnRedis(child, chosen, dataDir);
    await eventually(async () => expect(await own.answers()).toBe(true), 10_000);
    return own;
  }

  async answers(): Promise<boolean> {
    const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      // Disconnecting a connection that failed to open arms a 2 s timer on its dead socket that keeps Jest alive.
      if (redis.status !== 'end') redis.disconnect();
    }
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }

  /** Stops (unless stopped) and starts again on the same port: without persistence, every key is gone. */
  async restart(): Promise<void> {
    await this.stop();
    const again = await OwnRedis.start({
      port: this.port,
      ...(this.dataDir === undefined ? {} : { dataDir: this.dataDir }),
    });
    this.process = again.process;
  }
}

export interface Received {
  readonly path: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
  readonly status: number;
}

/** A real HTTP receiver whose answer to each request is chosen by `answer`. */
export class Receiver {
  readonly requests: Received[] = [];
  private constructor(private readonly server: Server) {}

  static async start(answer: (path: string, index: number) => number): Promise<Receiver> {
    const server = createHttpServer();
    const receiver = new Receiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const status = answer(path, receiver.requests.filter((r) => r.path === path).length);
        receiver.requests.push({
          path,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: request.headers,
          status,
        });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
