import { mkdtempSync, rmSync } from 'node:fs';
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
