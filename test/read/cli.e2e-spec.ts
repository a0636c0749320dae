import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { parse } from 'csv-parse/sync';
import { openReadModelDb, READ_MODELS, REPORT_COLUMNS, type TicketAsOf } from '@app/projections';
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
    const store = await openEventStore(env.EVENT_STORE_URL as string, UPCASTERS);
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

  it('lists its commands with --help and the options of one with help <command>', async () => {
    const overview = await run(['--help']);
    expect(overview.code).toBe(0);
    for (const command of ['check-config', 'import', 'reconcile-timers', 'rebuild-projections', 'replay', 'report']) {
      expect(overview.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    }
    const report = await run(['help', 'report']);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^usage: cli report /);
    expect(report.stdout).toMatch(/^ {2}--from <instant> +ISO-8601/m);
    expect((await run(['replay', '--help'])).stdout).toMatch(/^ {2}--as-of <instant> /m);
    expect((await run(['help', 'nothing'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });

  // acme-late missed after 330 minutes, acme-quick met after 60; acme-open, due on 1 December, is after `to`
  const WEEK_49 = ['report', '--period', 'week', '--to', '2026-11-30T23:00:00Z'];

  it('writes the compliance report as a table for people, rates in percent and durations', async () => {
    const { code, stdout } = await run(WEEK_49);
    expect(code).toBe(0);
    expect(stdout).toContain('Periods of America/Toronto');
    expect(stdout).toMatch(/premium +│ 2026-W49 +│ 2 +│ 1 +│ 1 +│ 0 +│ 50\.0 % +│ 60 \/ 330 +│ 1h 0m \/ 5h 30m/);
  });

  it('writes the same report as CSV and as JSON at full precision', async () => {
    const csv = await run([...WEEK_49, '--csv']);
    expect(csv.code).toBe(0);
    expect(parse(csv.stdout, { to_line: 1 })).toEqual([[...REPORT_COLUMNS.compliance]]);
    const json = await run([...WEEK_49, '--json']);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({
        plan: 'premium',
        period: '2026-W49',
        met: 1,
        missed: 1,
        rate: 0.5,
        p90CalendarMinutes: 330,
      }),
    ]);
    expect(parse(csv.stdout, { columns: true })).toEqual(
      rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, String(value)]))),
    );
    expect((await run(['report', '--period', 'year'])).code).toBe(2);
    expect((await run(['report', '--from', '2026-12-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z'])).code).toBe(2);
  });

  it('check-config refuses a broken policy folder as the start does, naming the file', async () => {
    const policies = join(dir, 'broken-policies');
    mkdirSync(policies);
    writeFileSync(join(policies, 'broken.json'), JSON.stringify({ version: 'broken' }));
    const broken = runApp('cli', { ...env, POLICIES_DIR: policies }, ['check-config']);
    expect((await broken.exited).code).toBe(1);
    expect(broken.stderr()).toContain(join(policies, 'broken.json'));

    const valid = await run(['check-config']);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ policyVersions: [{ version: '2017-11-23' }] });
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
      new RegExp(
        `^rebuilt ${READ_MODELS.length} read models from \\d+ events in (\\d+ ms|\\d+\\.\\d s): \\d+ events/s\n$`,
      ),
    );
    const db = openReadModelDb(env.READ_MODELS_PATH as string);
    const queue = db.prepare('SELECT ticket_id FROM open_clocks ORDER BY ticket_id').all();
    db.close();
    expect(queue).toEqual([{ ticket_id: 'acme-open' }, { ticket_id: 'bolt-extra' }, { ticket_id: 'bolt-slow' }]);
  });
});
