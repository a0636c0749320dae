import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProcess, initialAdminKey, runApp } from '../support/process';

const README = join(__dirname, '..', '..', 'README.md');

/** The ```sh blocks of the README's "Try it" section: the lines a newcomer copies, run here exactly as written. */
const shellBlocks = (markdown: string): string[] => {
  const section = /^## Try it\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? '';
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
};

describe('the walkthrough in the README', () => {
  let dataDir: string;
  let engine: RunningProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sla-walkthrough-'));
  });

  afterEach(async () => {
    if (engine && engine.child.exitCode === null) {
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every curl line against a freshly started engine, with the key it printed', async () => {
    engine = runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STORE_URL: `sqlite:${join(dataDir, 'events.db')}`,
      API_KEYS_FILE: join(dataDir, 'api-keys.json'),
      READ_MODELS_PATH: join(dataDir, 'read-models.db'),
    });
    const serving = JSON.parse(await engine.waitForLine(/serving on/)) as { msg: string };
    const url = /http:\/\/\S+/.exec(serving.msg)?.[0] ?? '';
    const { key } = await initialAdminKey(engine);
    expect(key).toMatch(/^sla_/);

    const blocks = shellBlocks(readFileSync(README, 'utf8'));
    expect(blocks).toHaveLength(6);
    const run = spawnSync('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', blocks.join('\n')], {
      env: { PATH: process.env.PATH ?? '', SLA_URL: url, SLA_KEY: key },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });

    const lines = run.stdout.trim().split('\n');
    const customerId = /^customer ([0-9a-f-]{36})$/.exec(lines[0] ?? '')?.[1];
    const ticketId = /^ticket ([0-9a-f-]{36})$/.exec(lines[1] ?? '')?.[1];
    expect(customerId).toBeDefined();
    expect(ticketId).toBeDefined();
    const [ticket, response, newKey, refusal] = lines
      .slice(2)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ticket).toMatchObject({
      id: ticketId,
      customerId,
      plan: 'premium',
      policyVersion: '2017-11-23',
      firstResponseDueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      firstResponseDueLocal: expect.stringMatching(/-0[45]:00$/),
      allowanceMinutes: 240,
    });
    expect(response).toMatchObject({ ticketId, isFirstResponse: true, outcome: 'met', respondedBy: 'alice' });
    expect(newKey).toMatchObject({ name: 'alice', role: 'agent', key: expect.stringMatching(/^sla_/) });
    expect(refusal).toMatchObject({ status: 422, code: 'plan-not-eligible' });
  });
});
