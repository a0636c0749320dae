import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, initialAdminKey, runApp } from '../support/process';

describe('the first embedded start without keys', () => {
  let dataDir: string;
  let engine: RunningProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-first-start-'));
  });

  afterEach(async () => {
    if (engine && engine.child.exitCode === null) {
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
    engine = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (): Promise<{ engine: RunningProcess; url: string }> => {
    engine = runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      API_KEYS_FILE: join(dataDir, 'keys', 'api-keys.json'),
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    });
    const serving = JSON.parse(await engine.waitForLine(/serving on/)) as { msg: string };
    return { engine, url: /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '' };
  };

  const stop = async (running: RunningProcess): Promise<void> => {
    running.child.kill('SIGTERM');
    await running.exited;
  };

  it('creates an admin key, leaves it in an owner-only file named in the log, never in the log, and stores only its hash', async () => {
    const first = await start();
    const { key, file, mode } = await initialAdminKey(first.engine);
    expect(key).toMatch(/^sla_/);
    expect(file).toBe(join(dataDir, 'keys', 'initial-admin-key'));
    expect(mode).toBe(0o600);
    expect(first.engine.stdout() + first.engine.stderr()).not.toContain(key);
    const answer = await fetch(`${first.url}/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual([
      { name: 'admin', role: 'admin', createdAt: expect.any(String), source: 'file' },
    ]);
    const stored = readFileSync(join(dataDir, 'keys', 'api-keys.json'), 'utf8');
    expect(stored).not.toContain(key);
    await stop(first.engine);

    const second = await start();
    expect(second.engine.stdout()).not.toMatch(/Admin API key created/);
    const again = await fetch(`${second.url}/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(again.status).toBe(200);
  });
});
