import { eventually } from '@app/clock/test-support/eventually';
import { UPCASTERS } from '@app/domain';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@app/clock';
import { type EventStore, type RecordedEvent, SqliteEventStore, withUpcasting } from '@app/event-store';
import { loadPolicyBook } from '@app/policy';
import { openTicket, roundTheClockPolicyDocument } from '@app/reactors/test-support/reactor.fixtures';
import { type RunningProcess, runApp } from '../support/process';
import { countByTicket, POLL_MS } from './engine';

describe('SLA timers in embedded mode (one process, no Redis)', () => {
  let dir: string;
  let store: EventStore;
  let engine: RunningProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'timers-embedded-'));
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies', 'test.json'),
      JSON.stringify(roundTheClockPolicyDocument({ allowanceMinutes: 0.25, escalationDelayMinutes: 0 })),
    );
    store = withUpcasting(SqliteEventStore.open(join(dir, 'events.db')), UPCASTERS);
  });

  afterEach(async () => {
    engine?.child.kill('SIGKILL');
    await engine?.exited;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<RunningProcess> => {
    engine = runApp('api', {
      PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STORE_URL: `sqlite:${join(dir, 'events.db')}`,
      READ_MODELS_PATH: join(dir, 'read-models.db'),
      API_KEYS_FILE: join(dir, 'api-keys.json'),
      POLICIES_DIR: join(dir, 'policies'),
    });
    await engine.waitForLine(/serving on/, 30_000);
    return engine;
  };

  const stop = async (): Promise<void> => {
    engine?.child.kill('SIGTERM');
    expect(await engine?.exited).toEqual({ code: 0, signal: null });
    engine = undefined;
  };

  const events = async (...types: string[]): Promise<RecordedEvent[]> => {
    const found: RecordedEvent[] = [];
    for await (const event of store.readAll({ filter: { eventTypes: types } })) found.push(event);
    return found;
  };

  it('fires in-process timers, and re-arms them from the log after a restart', async () => {
    const policies = loadPolicyBook(join(dir, 'policies'));
    const clock = new SystemClock();
    await start();
    await openTicket(store, policies, 'before-restart', clock.now());
    await eventually(async () => expect(await events('SlaBreachEscalated')).toHaveLength(1), 30_000, POLL_MS);
    await stop();

    await openTicket(store, policies, 'while-stopped', clock.now());
    const restarted = await start();
    expect(await restarted.waitForLine(/timers reconciled/)).toContain(
      'timers reconciled: 3 missing added, 0 orphans removed, 0 unchanged',
    );
    await eventually(async () => expect(await events('SlaBreachEscalated')).toHaveLength(2), 30_000, POLL_MS);

    for (const type of ['SlaAtRisk', 'SlaBreached', 'SlaBreachEscalated']) {
      expect([type, Object.fromEntries(countByTicket(await events(type)))]).toEqual([
        type,
        { 'before-restart': 1, 'while-stopped': 1 },
      ]);
    }
  }, 120_000);
});
