import 'reflect-metadata';
import Database from 'better-sqlite3';
import { NestFactory } from '@nestjs/core';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SystemClock } from '@app/clock';
import { parseConfig } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { openEventStore, SqliteEventStore } from '@app/event-store';
import { CommandRunner } from '../../apps/api/src/commands/command-runner';
import { RegisterCustomer, RegisterCustomerHandler } from '../../apps/api/src/customers/customers.handlers';
import { ExternalRefsService } from '../../apps/api/src/external-refs/external-refs.service';
import { HistoryImportModule } from '../../apps/api/src/ingest/history-import.module';
import { PolicyBookService } from '../../apps/api/src/policies/policy-book.service';
import {
  expectedImport,
  exportPages,
  generateHistory,
  type GeneratedHistory,
  usersPage,
} from '../../test/support/zendesk-export';
import { benchmarkReport, printReport } from '../report';

const ROOT = join(__dirname, '..', '..');
const TICKETS = Number(process.env.BENCH_IMPORT_TICKETS ?? 10_000);
/** Comments after each description: 0 to 10, 5 on average, so 50 000 for 10 000 tickets. */
const MAX_COMMENTS = 10;
const TARGET_SECONDS = 120;

const directory = mkdtempSync(join(tmpdir(), 'bench-import-'));

/** The customers holding the known organizations, registered as `POST /customers` does. */
const registerCustomers = async (eventsUrl: string, history: GeneratedHistory): Promise<void> => {
  const config = parseConfig(
    { EVENT_STORE_URL: eventsUrl, POLICIES_DIR: join(ROOT, 'policies'), LOG_LEVEL: 'silent' },
    false,
  );
  const store = await openEventStore(eventsUrl, UPCASTERS);
  const app = await NestFactory.createApplicationContext(
    HistoryImportModule.forRoot(config, store, new SystemClock()),
    { logger: ['error'] },
  );
  const handler = new RegisterCustomerHandler(
    app.get(CommandRunner),
    app.get(PolicyBookService),
    app.get(ExternalRefsService),
  );
  for (const organization of history.knownOrganizations) {
    const caller = {
      actor: { id: 'admin1', role: 'admin' as const },
      commandId: randomUUID(),
      correlationId: randomUUID(),
    };
    await handler.execute(
      new RegisterCustomer(
        { name: `Org ${organization}`, licences: 20, plan: 'premium', externalRefs: { zendesk: String(organization) } },
        caller,
      ),
    );
  }
  await app.close();
  await store.close();
};

/** The CLI as an operator runs it, from source; answers its summary and its wall time. */
const runImport = (eventsFile: string, exportFile: string, usersFile: string) => {
  const started = performance.now();
  const cli = spawnSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      join('apps', 'cli', 'src', 'main.ts'),
      'import',
      '--source',
      'zendesk',
      '--file',
      exportFile,
      '--users',
      usersFile,
      '--json',
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        EVENT_STORE_URL: `sqlite:${eventsFile}`,
        POLICIES_DIR: join(ROOT, 'policies'),
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1_000;
  if (cli.status !== 0) throw new Error(`the import failed (${cli.status}): ${cli.stderr}`);
  return {
    seconds,
    summary: JSON.parse(cli.stdout) as { envelopes: number; applied: number; duplicate: number; elapsedMs: number },
  };
};

/**
 * The baseline: the same number of event rows, of the size the import wrote, inserted raw with the store's pragmas
 * for the import (WAL, synchronous NORMAL), one transaction per ticket, and synchronised once at the end.
 */
const rawInserts = (rows: readonly unknown[][], tickets: number): number => {
  const path = join(directory, 'raw.db');
  SqliteEventStore.open(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const perTicket = Math.ceil(rows.length / tickets);
  const batch = db.transaction((slice: readonly unknown[][]) => {
    for (const row of slice) insert.run(...row);
  });
  const started = performance.now();
  for (let from = 0; from < rows.length; from += perTicket) batch(rows.slice(from, from + perTicket));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const seconds = (performance.now() - started) / 1_000;
  db.close();
  return seconds;
};

const main = async (): Promise<void> => {
  const history = generateHistory({ tickets: TICKETS, maxComments: MAX_COMMENTS });
  const comments = history.tickets.reduce(
    (sum, ticket) => sum + ticket.facts.filter((f) => f.kind === 'comment').length,
    0,
  );
  const exportFile = join(directory, 'ticket-events.jsonl');
  const usersFile = join(directory, 'users.json');
  writeFileSync(
    exportFile,
    `${exportPages(history)
      .map((page) => JSON.stringify(page))
      .join('\n')}\n`,
  );
  writeFileSync(usersFile, JSON.stringify(usersPage(history)));
  const eventsFile = join(directory, 'events.db');
  await registerCustomers(`sqlite:${eventsFile}`, history);
  const before = new Database(eventsFile, { readonly: true });
  const eventsBefore = (before.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  before.close();

  const first = runImport(eventsFile, exportFile, usersFile);
  const db = new Database(eventsFile, { readonly: true });
  const rows = db
    .prepare('SELECT stream, revision, id, type, data, metadata FROM events WHERE position > ? ORDER BY position')
    .raw()
    .all(
      (
        db.prepare('SELECT position FROM events ORDER BY position LIMIT 1 OFFSET ?').get(eventsBefore - 1) as {
          position: number;
        }
      ).position,
    ) as unknown[][];
  db.close();
  const again = runImport(eventsFile, exportFile, usersFile);
  const rawSeconds = rawInserts(rows, TICKETS);
  const expected = expectedImport(history);
  if (first.summary.applied !== expected.applied) {
    throw new Error(`applied ${first.summary.applied}, expected ${expected.applied}`);
  }
  if (again.summary.duplicate !== expected.envelopes) throw new Error('the second import is not all duplicates');

  const round = (value: number, digits = 1) => Number(value.toFixed(digits));
  printReport(
    benchmarkReport(
      'import',
      {
        workload: {
          tickets: TICKETS,
          comments,
          descriptions: TICKETS,
          envelopes: first.summary.envelopes,
          eventsAppended: rows.length,
        },
        import: {
          wallSeconds: round(first.seconds),
          ingestSeconds: round(first.summary.elapsedMs / 1_000),
          envelopesPerSecond: Math.round(first.summary.envelopes / (first.summary.elapsedMs / 1_000)),
          summary: first.summary,
        },
        reimport: { wallSeconds: round(again.seconds), duplicate: again.summary.duplicate },
        baseline: { rawInsertSeconds: round(rawSeconds, 2), rowsPerSecond: Math.round(rows.length / rawSeconds) },
        importOverRaw: round(first.summary.elapsedMs / 1_000 / rawSeconds),
      },
      [
        { metric: 'import.wallSeconds', value: round(first.seconds), op: '<=', target: TARGET_SECONDS },
        { metric: 'reimport.wallSeconds', value: round(again.seconds), op: '<=', target: TARGET_SECONDS },
      ],
    ),
  );
};

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(directory, { recursive: true, force: true }));
