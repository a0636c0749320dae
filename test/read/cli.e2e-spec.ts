import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '@app/event-store';
import { openReadModelDb, READ_MODELS, type TicketAsOf } from '@app/projections';
import { Scenario } from '@app/projections/test-support/scenario';
import { supportDay } from '@app/projections/test-support/support-day';
import { runApp } from '../support/process';

const ROOT = join(__dirname, '..', '..');

describe('the auditor commands of the CLI', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sla-cli-'));
    env = {
      EVENT_STORE_URL: `sqlite:${join(dir, 'events.db')}`,
      READ_MODELS_PATH: join(dir, 'read-models.db'),
      POLICIES_DIR: join(ROOT, 'policies'),
      LOG_LEVEL: 'silent',
    };
    const store = await openEventStore(env.EVENT_STORE_URL as string);
    await supportDay(new Scenario(store));
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    const cli = runApp('cli', env, args);
    const { code } = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  it('replays a ticket as of an instant as JSON, as the audit endpoint folds it', async () => {
    const { code, stdout } = await run(['replay', 'acme-late', '--as-of', '2026-11-30T13:30:00-05:00', '--json']);
    expect(code).toBe(0);
    const replay = JSON.parse(stdout) as TicketAsOf & { history: unknown[] };
    expect(replay).toMatchObject({
      ticketId: 'acme-late',
      asOf: '2026-11-30T18:30:00.000Z',
      state: { status: 'Open', clock: { status: 'Running', atRiskAt: '2026-11-30T18:00:00.000Z', breach: null } },
      explanation: { deadline: '2026-11-30T19:00:00.000Z', policyVersion: '2017-11-23' },
    });
    expect(replay.history.length).toBeGreaterThan(replay.eventsApplied);
  });

  it('prints a readable timeline in the calendar zone', async () => {
    const { code, stdout } = await run(['replay', 'bolt-slow']);
    expect(code).toBe(0);
    expect(stdout).toContain('Ticket bolt-slow as of now');
    expect(stdout).toMatch(/Mon 2026-11-30 10:05 EST\s+TicketOpened\s+agent agent-1/);
    expect(stdout).toMatch(
      /SlaClockPausedForTraining\s+system system-1\s+training required: clock paused with 1130 support minutes left → paused/,
    );
    expect(stdout).toContain('allowance 1260 support minutes = base 1260, relaxation none, extensions 0; 130 counted');
  });

  it('refuses bad arguments and names an unknown ticket', async () => {
    expect((await run(['replay'])).code).toBe(2);
    expect((await run(['replay', 'acme-late', '--as-of', 'yesterday'])).code).toBe(2);
    const unknown = await run(['replay', 'nobody']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'There is no ticket nobody.\n' });
  });

  it('rebuilds the read models from the log with a progress bar and the events per second', async () => {
    const { code, stdout, stderr } = await run(['rebuild-projections']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/\[#{30}\] 100% (\d+)\/\1 events/);
    expect(stdout).toMatch(
      new RegExp(`^rebuilt ${READ_MODELS.length} read models from \\d+ events in \\d+\\.\\d\\d s: \\d+ events/s\n$`),
    );
    const db = openReadModelDb(env.READ_MODELS_PATH as string);
    const queue = db.prepare('SELECT ticket_id FROM open_queue ORDER BY ticket_id').all();
    db.close();
    expect(queue).toEqual([{ ticket_id: 'acme-open' }, { ticket_id: 'bolt-extra' }, { ticket_id: 'bolt-slow' }]);
  });
});
