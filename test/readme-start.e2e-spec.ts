import { eventually } from '@app/clock/test-support/eventually';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, runCommand } from './support/process';
import { TEST_REDIS_URL, requireRedis } from './support/redis';

const SHUTDOWN_TIMEOUT_MS = 5_000;

const isListening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pid of the node process that logged, which npm started in a shell or in place of it. */
const loggedPid = (line: string): number => (JSON.parse(line) as { pid: number }).pid;

describe('the processes the README starts, on SIGTERM to the very process the command starts', () => {
  let dataDir: string;
  let started: RunningProcess | undefined;
  let nodePid: number | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-readme-start-'));
  });

  afterEach(async () => {
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGKILL');
      await started.exited;
    }
    // A node process the signal did not reach would outlive npm and hold the port.
    if (nodePid !== undefined && isAlive(nodePid)) process.kill(nodePid, 'SIGKILL');
    started = undefined;
    nodePid = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const environment = (): Record<string, string> => ({
    PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
    API_KEYS: 'root:admin:a-development-key-0123456789',
    READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    API_KEYS_FILE: join(dataDir, 'api-keys.json'),
  });

  it('npm start: the api drains, the port closes and npm ends within SHUTDOWN_TIMEOUT_MS', async () => {
    started = runCommand('npm', ['start'], environment());
    const serving = await started.waitForLine(/serving on/, 90_000);
    const port = Number(/:(\d+)"/.exec(serving)?.[1]);
    nodePid = loggedPid(serving);
    expect(await isListening(port)).toBe(true);

    started.child.kill('SIGTERM');
    await eventually(async () => expect(await isListening(port)).toBe(false), SHUTDOWN_TIMEOUT_MS, 50);
    await eventually(() => expect(started!.child.exitCode).not.toBeNull(), SHUTDOWN_TIMEOUT_MS, 50);
    expect(isAlive(nodePid)).toBe(false);
    expect(started.stdout()).toMatch(/shut down cleanly/);
  }, 120_000);

  it('npm run start:worker: the worker drains and ends, with npm, within SHUTDOWN_TIMEOUT_MS', async () => {
    await requireRedis();
    const build = spawnSync('npx', ['nest', 'build', 'worker'], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    expect({ status: build.status, stderr: build.stderr }).toEqual({ status: 0, stderr: '' });
    started = runCommand('npm', ['run', 'start:worker'], { ...environment(), REDIS_URL: TEST_REDIS_URL });
    nodePid = loggedPid(await started.waitForLine(/worker started/, 60_000));

    started.child.kill('SIGTERM');
    await eventually(() => expect(started!.child.exitCode).not.toBeNull(), SHUTDOWN_TIMEOUT_MS, 50);
    expect(isAlive(nodePid)).toBe(false);
    expect(started.stdout()).toMatch(/shut down cleanly/);
  }, 120_000);
});
