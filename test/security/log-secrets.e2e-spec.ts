import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, initialAdminKey, runApp } from '../support/process';

const LISTED_KEY = 'listed-agent-key-0123456789abcdef';
const UNKNOWN_KEY = 'sla_a-key-nobody-was-ever-given-0123456789';
const COOKIE_SECRET = 'session-cookie-value-0123456789';
const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef';

describe('the api log, over a run that uses every kind of secret', () => {
  let dataDir: string;
  let engine: RunningProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-log-secrets-'));
  });

  afterEach(async () => {
    if (engine && engine.child.exitCode === null) {
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}): Promise<{ running: RunningProcess; url: string }> => {
    const running = runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      API_KEYS_FILE: join(dataDir, 'api-keys.json'),
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
      ...env,
    });
    engine = running;
    const serving = JSON.parse(await running.waitForLine(/serving on/)) as { msg: string };
    return { running, url: /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '' };
  };

  const stop = async (running: RunningProcess): Promise<void> => {
    running.child.kill('SIGTERM');
    await running.exited;
  };

  it('holds no key, cookie or webhook secret in any line, while logging every request', async () => {
    const first = await start();
    const { key: adminKey } = await initialAdminKey(first.running);
    const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
    const created = (await (
      await fetch(`${first.url}/api-keys`, {
        method: 'POST',
        headers: { ...bearer(adminKey), 'content-type': 'application/json', cookie: `session=${COOKIE_SECRET}` },
        body: JSON.stringify({ name: 'alice', role: 'agent' }),
      })
    ).json()) as { key: string };
    const answers = [
      await fetch(`${first.url}/api-keys`, { headers: bearer(adminKey) }),
      await fetch(`${first.url}/policies`, { headers: bearer(created.key) }),
      await fetch(`${first.url}/api-keys`, { headers: bearer(created.key) }),
      await fetch(`${first.url}/policies`, { headers: bearer(UNKNOWN_KEY) }),
      await fetch(`${first.url}/customers/not-a-uuid`, { headers: { ...bearer(adminKey), cookie: COOKIE_SECRET } }),
    ];
    expect(answers.map(({ status }) => status)).toEqual([200, 200, 403, 401, 404]);
    await stop(first.running);
    const firstLog = first.running.stdout() + first.running.stderr();

    const second = await start({
      API_KEYS: `dev:agent:${LISTED_KEY}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ALERT_WEBHOOKS: 'ops=http://127.0.0.1:9/ops',
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    expect((await fetch(`${second.url}/policies`, { headers: bearer(LISTED_KEY) })).status).toBe(200);
    await stop(second.running);
    const log = firstLog + second.running.stdout() + second.running.stderr();

    const requestLines = log.split('\n').filter((line) => line.includes('"req":'));
    expect(requestLines.length).toBeGreaterThanOrEqual(answers.length + 2);
    expect(requestLines.filter((line) => line.includes('"authorization":"[redacted]"')).length).toBe(
      requestLines.length,
    );
    const secrets = { adminKey, createdKey: created.key, LISTED_KEY, UNKNOWN_KEY, COOKIE_SECRET, WEBHOOK_SECRET };
    expect(Object.entries(secrets).filter(([, secret]) => log.includes(secret))).toEqual([]);
  });
});
