import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApp } from './support/process';

describe('the engine process', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-startup-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc'],
    ['EVENT_STORE_URL', 'mysql://db'],
    ['LOG_LEVEL', 'verbose'],
  ])('refuses %s=%s before listening, with one line naming the variable', async (variable, value) => {
    const engine = runApp('api', { [variable]: value, PORT: variable === 'PORT' ? value : '0' });
    const { code } = await engine.exited;
    expect(code).toBe(1);
    const lines = engine.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${variable}="${value}"`);
    expect(lines[0]).toContain('accepted');
    expect(engine.stdout()).not.toContain('serving on');
  });

  it.each([
    ['EVENT_STORE_URL', (dir: string) => `sqlite:${join(dir, 'not-a-folder', 'events.db')}`, 'event store file'],
    ['READ_MODELS_PATH', (dir: string) => join(dir, 'not-a-folder', 'read-models.db'), 'read-model file'],
  ])(
    'ends a start whose %s cannot be opened with one JSON line naming the path, status 1',
    async (variable, value, what) => {
      writeFileSync(join(dataDir, 'not-a-folder'), 'a file where a folder should be');
      const engine = runApp('api', {
        PORT: '0',
        LOG_FORMAT: 'json',
        API_KEYS: 'ops1:ops:0123456789abcdef0123',
        EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
        READ_MODELS_PATH: join(dataDir, 'read-models.db'),
        [variable]: value(dataDir),
      });
      const { code } = await engine.exited;
      expect(code).toBe(1);
      const lines = engine.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0] ?? '') as { level: number; msg: string };
      expect(line.level).toBe(60);
      expect(line.msg).toContain(what);
      expect(line.msg).toContain(join(dataDir, 'not-a-folder'));
      for (const out of engine.stdout().trim().split('\n').filter(Boolean)) expect(() => JSON.parse(out)).not.toThrow();
    },
  );

  it('logs a Redis that cannot be reached through the logger, never as raw ioredis lines', async () => {
    const engine = runApp('worker', {
      LOG_FORMAT: 'json',
      REDIS_URL: 'redis://127.0.0.1:1',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    });
    const { code } = await engine.exited;
    expect(code).toBe(1);
    const output = `${engine.stdout()}${engine.stderr()}`;
    expect(output).not.toContain('[ioredis]');
    for (const line of output.trim().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(output).toContain('redis://127.0.0.1:1');
  });

  it('serves, logs one JSON line per request with its id, and shuts down cleanly on SIGTERM despite an idle keep-alive connection', async () => {
    const engine = runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      API_KEYS_FILE: join(dataDir, 'api-keys.json'),
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    });
    const serving = JSON.parse(await engine.waitForLine(/serving on/)) as { msg: string };
    const url = /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
    const port = Number(new URL(url).port);

    const status = await new Promise<number>((resolve, reject) => {
      const keepAlive = request(
        { host: '127.0.0.1', port, path: '/health', headers: { 'x-request-id': 'boot-1', connection: 'keep-alive' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      keepAlive.on('error', reject);
      keepAlive.end();
    });
    expect(status).toBe(200);
    const requestLine = JSON.parse(await engine.waitForLine(/"boot-1"/)) as {
      req: { id: string };
      res: { statusCode: number };
    };
    expect(requestLine).toMatchObject({ req: { id: 'boot-1' }, res: { statusCode: 200 } });

    engine.child.kill('SIGTERM');
    const { code } = await engine.exited;
    // Exit status 0, not 1: the shutdown finished before SHUTDOWN_TIMEOUT_MS (10 s by default) forced an exit.
    expect(code).toBe(0);
    expect(engine.stdout()).toContain('shut down cleanly');
  });
});
