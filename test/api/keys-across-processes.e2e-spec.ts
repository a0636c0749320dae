import { eventually } from '@app/clock/test-support/eventually';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, runApp } from '../support/process';

const ROOT_KEY = 'root-admin-key-0123456789abcdef';

describe('API keys shared by two api processes on one event log', () => {
  let dataDir: string;
  let engines: RunningProcess[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-keys-'));
  });

  afterEach(async () => {
    for (const engine of engines) {
      if (engine.child.exitCode === null) engine.child.kill('SIGTERM');
      await engine.exited;
    }
    engines = [];
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (name: string): Promise<string> => {
    const engine = runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      API_KEYS: `root:admin:${ROOT_KEY}`,
      API_KEYS_FILE: join(dataDir, name, 'api-keys.json'),
      READ_MODELS_PATH: join(dataDir, name, 'read-models.db'),
    });
    engines.push(engine);
    const serving = JSON.parse(await engine.waitForLine(/serving on/)) as { msg: string };
    return /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
  };

  const post = async (
    url: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const answer = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: answer.status, json: (await answer.json()) as Record<string, unknown> };
  };
  const statusWith = async (url: string, key: unknown): Promise<number> =>
    (await fetch(`${url}/policies`, { headers: { authorization: `Bearer ${String(key)}` } })).status;

  it('keeps every one of 40 keys created at once through both, each usable on both, and names unique', async () => {
    const [first, second] = await Promise.all([start('a'), start('b')]);
    const urls = [first, second];
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        post(urls[index % 2] ?? first, '/api-keys', { name: `agent-${index}`, role: 'agent' }),
      ),
    );
    expect(created.map(({ status }) => status)).toEqual(Array.from({ length: 40 }, () => 201));
    const usable = await Promise.all(created.flatMap(({ json }) => urls.map((url) => statusWith(url, json.key))));
    expect(usable.filter((status) => status !== 200)).toEqual([]);

    const twins = await Promise.all(urls.map((url) => post(url, '/api-keys', { name: 'twin', role: 'agent' })));
    expect(twins.map(({ status }) => status).sort()).toEqual([201, 409]);
  }, 60_000);

  it('refuses a key revoked through one process on the other within 2 s', async () => {
    const [first, second] = await Promise.all([start('a'), start('b')]);
    const alice = await post(first, '/api-keys', { name: 'alice', role: 'agent' });
    expect(await statusWith(second, alice.json.key)).toBe(200);

    const revoked = await post(first, `/api-keys/${String(alice.json.id)}/revoke`, {});
    expect(revoked.status).toBe(200);
    await eventually(async () => expect(await statusWith(second, alice.json.key)).toBe(401), 2_000, 50);
  }, 60_000);
});
