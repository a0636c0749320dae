import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { type RunningProcess, runCommand } from '../support/process';

const CHILD = join(__dirname, 'append-child.ts');
const WAIT_TIMEOUT_MS = 20_000;

interface Ack {
  readonly stream: string;
  readonly revision: number;
  readonly ids: readonly string[];
}

/** A child process appending to the file, with the appends it acknowledged so far. */
class Appender {
  readonly acks: Ack[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly running: RunningProcess;
  private readonly listeners = new Set<() => void>();

  constructor(args: readonly string[]) {
    this.running = runCommand(process.execPath, ['--import', 'tsx', CHILD, ...args], {});
    createInterface({ input: this.running.child.stdout }).on('line', (line) => {
      const [word, stream, revision, ids] = line.split(' ');
      if (word === 'ack') this.acks.push({ stream: stream!, revision: Number(revision), ids: ids!.split(',') });
      for (const listener of this.listeners) listener();
    });
    this.exited = this.running.exited.then((exit) => {
      for (const listener of this.listeners) listener();
      return exit;
    });
  }

  /** Resolves once `count` appends are acknowledged; fails if the child ends first or after a timeout. */
  acknowledged(count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${this.acks.length} of ${count} acks in time`)),
        WAIT_TIMEOUT_MS,
      );
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = (): void => {
        if (this.acks.length >= count) finish();
        else if (this.running.child.exitCode !== null) finish(new Error(`child ended early: ${this.errors}`));
      };
      this.listeners.add(check);
      check();
    });
  }

  kill(): void {
    this.running.child.kill('SIGKILL');
  }

  get errors(): string {
    return this.running.stderr();
  }
}

interface StoredRow {
  readonly stream: string;
  readonly revision: number;
  readonly id: string;
  readonly position: number;
}

describe('SQLite event store across processes', () => {
  let directory: string;
  let path: string;
  const appenders: Appender[] = [];

  beforeEach(() => {
    directory = join(tmpdir(), `event-store-processes-${randomUUID()}`);
    path = join(directory, 'events.db');
  });

  afterEach(async () => {
    for (const appender of appenders) appender.kill();
    await Promise.all(appenders.splice(0).map((appender) => appender.exited));
    rmSync(directory, { recursive: true, force: true });
  });

  const start = (...args: string[]): Appender => {
    const appender = new Appender([path, ...args]);
    appenders.push(appender);
    return appender;
  };

  const storedRows = (): { rows: StoredRow[]; integrity: unknown } => {
    const db = new Database(path);
    try {
      return {
        rows: db.prepare('SELECT stream, revision, id, position FROM events ORDER BY position').all() as StoredRow[],
        integrity: db.pragma('integrity_check', { simple: true }),
      };
    } finally {
      db.close();
    }
  };

  it('loses no acknowledged event and keeps no partial append when appending processes are killed with SIGKILL', async () => {
    const batchSize = 5;
    const killed = [
      start('test-a', String(batchSize), 'until-killed'),
      start('test-b', String(batchSize), 'until-killed'),
    ];
    await Promise.all(killed.map((appender) => appender.acknowledged(30)));
    for (const appender of killed) appender.kill();
    const exits = await Promise.all(killed.map((appender) => appender.exited));

    expect(exits.map(({ signal }) => signal)).toEqual(['SIGKILL', 'SIGKILL']);
    const { rows, integrity } = storedRows();
    expect(integrity).toBe('ok');
    for (const [stream, appender] of [
      ['test-a', killed[0]!],
      ['test-b', killed[1]!],
    ] as const) {
      const inStream = rows.filter((row) => row.stream === stream);
      expect(inStream.map((row) => row.revision)).toEqual(inStream.map((_, i) => i));
      expect(inStream.length % batchSize).toBe(0);
      const storedIds = inStream.map((row) => row.id);
      const acknowledgedIds = appender.acks.flatMap((ack) => ack.ids);
      expect(storedIds.slice(0, acknowledgedIds.length)).toEqual(acknowledgedIds);
      // at most the one append in flight when the kill came was written without its acknowledgement reaching us
      expect(storedIds.length - acknowledgedIds.length).toBeLessThanOrEqual(batchSize);
    }
    expect(rows.every((row, i) => i === 0 || row.position > rows[i - 1]!.position)).toBe(true);
  });

  it('lets several processes append to one stream, every append at a contiguous revision', async () => {
    const perProcess = 25;
    const contenders = [1, 2, 3].map(() => start('test-shared', '2', 'contend', String(perProcess)));
    const exits = await Promise.all(contenders.map((appender) => appender.exited));

    expect(exits.map(({ code }) => code)).toEqual([0, 0, 0]);
    expect(contenders.map((appender) => appender.errors)).toEqual(['', '', '']);
    const { rows } = storedRows();
    expect(rows.map((row) => row.revision)).toEqual(rows.map((_, i) => i));
    expect(rows).toHaveLength(3 * perProcess * 2);
    const acknowledged = contenders.flatMap((appender) => appender.acks);
    expect(acknowledged.flatMap((ack) => ack.ids).sort()).toEqual(rows.map((row) => row.id).sort());
    for (const ack of acknowledged) {
      expect(rows.slice(ack.revision - 1, ack.revision + 1).map((row) => row.id)).toEqual(ack.ids);
    }
  });
});
