import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  const launch = (): RunningProcess =>
    runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      API_KEYS_FILE: join(dataDir, 'keys', 'api-keys.json'),
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    });

  const start = async (): Promise<{ engine: RunningProcess; url: string }> => {
    engine = launch();
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
      {
        id: expect.any(String),
        name: 'admin',
        role: 'admin',
        source: 'first-start',
        createdAt: expect.any(String),
        revokedAt: null,
        previousKeyValidUntil: null,
      },
    ]);
    await stop(first.engine);
    expect(readFileSync(join(dataDir, 'events.db')).toString('latin1')).toContain('ApiKeyIssued');
    expect(readFileSync(join(dataDir, 'events.db')).toString('latin1')).not.toContain(key);

    const second = await start();
    expect(second.engine.stdout()).not.toMatch(/Admin API key created/);
    const again = await fetch(`${second.url}/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(again.status).toBe(200);
  });

  describe('with an API key file of an earlier release', () => {
    const oldKey = 'sla_an-old-key-kept-in-the-file-0123456789';
    const writeKeyFile = (content: string): void => {
      mkdirSync(join(dataDir, 'keys'), { recursive: true });
      writeFileSync(join(dataDir, 'keys', 'api-keys.json'), content);
    };

    it('imports its keys once: a key revoked since stays revoked after a restart', async () => {
      const sha256 = createHash('sha256').update(oldKey).digest('hex');
      const stored = { name: 'old', role: 'admin', sha256, createdAt: '2026-01-01T00:00:00.000Z' };
      writeKeyFile(JSON.stringify({ keys: [stored] }));
      const first = await start();
      expect(first.engine.stdout()).not.toMatch(/Admin API key created/);
      const asOld = { headers: { authorization: `Bearer ${oldKey}` } };
      const listed = (await (await fetch(`${first.url}/api-keys`, asOld)).json()) as { id: string; source: string }[];
      expect(listed.map(({ source }) => source)).toEqual(['imported']);
      const revoked = await fetch(`${first.url}/api-keys/${listed[0]?.id ?? ''}/revoke`, {
        method: 'POST',
        headers: { ...asOld.headers, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(revoked.status).toBe(200);
      await stop(first.engine);

      const second = await start();
      expect((await fetch(`${second.url}/policies`, asOld)).status).toBe(401);
    });

    it.each([
      ['not JSON', '{"keys": ['],
      ['not a key file', '{"keys": [{"name": "x"}]}'],
    ])('refuses to start when it is %s, naming the file, in one line', async (_what, content) => {
      writeKeyFile(content);
      engine = launch();
      expect((await engine.exited).code).toBe(1);
      const lines = engine.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({
        level: 60,
        msg: expect.stringContaining(`API_KEYS_FILE ${join(dataDir, 'keys', 'api-keys.json')}`),
      });
    });
  });
});
