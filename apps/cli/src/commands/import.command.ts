import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { SystemClock } from '@app/clock';
import { type AppConfig, configOrExit, parseChannelMap, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore, SqliteEventStore, withUpcasting } from '@app/event-store';
import { HistoryImportModule } from '../../../api/src/ingest/history-import.module';
import { type EnvelopeResult, IngestService, type Sender } from '../../../api/src/ingest/ingest.service';
import {
  ExportUnreadable,
  mapZendeskExport,
  zendeskTicketEventsOf,
  zendeskUsersOf,
} from '../../../api/src/ingest/zendesk/zendesk-export';
import { ZENDESK_SOURCE } from '../../../api/src/ingest/zendesk/zendesk-mapping';
import { type CliCommand, USAGE_ERROR } from '../command';
import { formatElapsed, progressReporter } from '../format';

const SOURCES = ['zendesk', 'canonical'] as const;
type ImportSource = (typeof SOURCES)[number];

/** The facts of one ticket, ingested in one call: the unit of progress. */
interface TicketBatch {
  readonly source: string;
  readonly label: string;
  readonly envelopes: readonly unknown[];
  readonly ignored: number;
  readonly invalid: readonly string[];
}

export interface ImportSummary {
  readonly source: ImportSource;
  readonly file: string;
  readonly tickets: number;
  readonly envelopes: number;
  readonly applied: number;
  readonly duplicate: number;
  readonly parked: number;
  readonly pending: number;
  readonly invalid: number;
  /** Events of the export the engine does not use (private comments, other changes), as the webhook ignores them. */
  readonly ignored: number;
  readonly parkedByReason: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
}

const SHOWN_PROBLEMS = 20;

const parse = (args: readonly string[]) => {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        source: { type: 'string' },
        file: { type: 'string' },
        users: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    return { errors: [error instanceof Error ? error.message : String(error)] };
  }
  const errors: string[] = [];
  const source = values.source as ImportSource | undefined;
  if (source === undefined || !SOURCES.includes(source)) errors.push(`--source must be one of ${SOURCES.join(', ')}`);
  if (!values.file) errors.push('--file <path> is required');
  if (values.users !== undefined && source !== 'zendesk') errors.push('--users goes with --source zendesk only');
  if (errors.length || source === undefined || !values.file) return { errors };
  return { source, file: values.file, users: values.users, isJson: values.json };
};

/** A `.jsonl`/`.ndjson` file holds one JSON value a line; any other, one JSON value (an array is its items). */
const readJsonValues = (path: string): { values: unknown[]; badLines: number[] } => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ExportUnreadable(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (/\.(jsonl|ndjson)$/i.test(path)) {
    const values: unknown[] = [];
    const badLines: number[] = [];
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        badLines.push(index + 1);
      }
    }
    if (values.length === 0 && badLines.length > 0) throw new ExportUnreadable(`${path}: no line is JSON`);
    return { values, badLines };
  }
  try {
    const value: unknown = JSON.parse(text);
    return { values: Array.isArray(value) ? value : [value], badLines: [] };
  } catch (error) {
    throw new ExportUnreadable(`${path} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
};

const badLineProblems = (file: string, badLines: readonly number[]): string[] =>
  badLines.map((line) => `${file}:${line}: not JSON`);

const zendeskBatches = (config: AppConfig, file: string, usersFile: string | undefined): TicketBatch[] => {
  const { values, badLines } = readJsonValues(file);
  const { events, users: sideloaded } = zendeskTicketEventsOf(values);
  const users = zendeskUsersOf([...sideloaded, ...(usersFile === undefined ? [] : readJsonValues(usersFile).values)]);
  const channels = parseChannelMap(config.ZENDESK_CHANNEL_MAP) ?? new Map();
  const { tickets, unattached } = mapZendeskExport(events, channels, users);
  const problems = [
    ...badLineProblems(file, badLines),
    ...unattached.flatMap((mapping) => (mapping.kind === 'invalid' ? [`${mapping.field}: ${mapping.reason}`] : [])),
  ];
  const batches = tickets.map(({ ticketRef, mappings }) => ({
    source: ZENDESK_SOURCE,
    label: `zendesk ticket ${ticketRef}`,
    envelopes: mappings.flatMap((mapping) => (mapping.kind === 'envelope' ? [mapping.envelope] : [])),
    ignored: mappings.filter((mapping) => mapping.kind === 'ignored').length,
    invalid: mappings.flatMap((mapping) =>
      mapping.kind === 'invalid' ? [`zendesk ticket ${ticketRef}: ${mapping.field}: ${mapping.reason}`] : [],
    ),
  }));
  return problems.length
    ? [...batches, { source: ZENDESK_SOURCE, label: file, envelopes: [], ignored: 0, invalid: problems }]
    : batches;
};

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Envelopes as `POST /ingest/events` takes them: an array, `{ events }`, or one envelope (or `{ events }`) a line. */
const canonicalBatches = (file: string): TicketBatch[] => {
  const { values, badLines } = readJsonValues(file);
  const byTicket = new Map<string, { source: string; ticketRef: string; envelopes: unknown[] }>();
  const envelopes = values.flatMap((value) =>
    typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events)
      ? ((value as { events: unknown[] }).events as unknown[])
      : [value],
  );
  for (const envelope of envelopes) {
    const record = (typeof envelope === 'object' && envelope !== null ? envelope : {}) as Record<string, unknown>;
    const [source, ticketRef] = [textOf(record.source), textOf(record.ticketRef)];
    const key = `${source}\n${ticketRef}`;
    const batch = byTicket.get(key) ?? { source, ticketRef, envelopes: [] };
    batch.envelopes.push(envelope);
    byTicket.set(key, batch);
  }
  const batches: TicketBatch[] = [...byTicket.values()].map(({ source, ticketRef, envelopes: ofTicket }) => ({
    source,
    label: `${source || '(no source)'} ticket ${ticketRef || '(no ticketRef)'}`,
    envelopes: ofTicket,
    ignored: 0,
    invalid: [],
  }));
  return badLines.length
    ? [...batches, { source: '', label: file, envelopes: [], ignored: 0, invalid: badLineProblems(file, badLines) }]
    : batches;
};

interface ImportStore {
  readonly store: EventStore;
  /** Runs the ingestion of one ticket's facts: in one transaction on SQLite. */
  readonly together: <T>(work: () => Promise<T>) => Promise<T>;
  /** Makes everything imported survive a power cut. */
  readonly sync: () => Promise<void>;
}

/**
 * The store of `EVENT_STORE_URL`. A SQLite file is opened with `synchronous = NORMAL`, each ticket's facts are
 * written in one transaction, and the file is synchronised once at the end, before success is reported: the same
 * events as fact by fact, in far fewer and cheaper commits.
 */
const openImportStore = async (config: AppConfig): Promise<ImportStore> => {
  const url = config.EVENT_STORE_URL;
  if (url.startsWith('sqlite:') && url.length > 'sqlite:'.length) {
    const sqlite = SqliteEventStore.open(url.slice('sqlite:'.length), { synchronous: 'NORMAL' });
    return {
      store: withUpcasting(sqlite, UPCASTERS),
      together: (work) => sqlite.inOneTransaction(work),
      sync: () => sqlite.syncToDisk(),
    };
  }
  return {
    store: await openEventStore(url, UPCASTERS, storeOptionsOf(config)),
    together: (work) => work(),
    sync: async () => undefined,
  };
};

/** Envelopes written in one transaction, at most about: long enough to amortise a commit, short for other writers. */
const ENVELOPES_PER_TRANSACTION = 250;

/** Whole tickets, in order, grouped up to {@link ENVELOPES_PER_TRANSACTION} envelopes. */
const transactionGroups = (batches: readonly TicketBatch[]): TicketBatch[][] => {
  const groups: TicketBatch[][] = [];
  let size = Infinity;
  for (const batch of batches) {
    if (size + batch.envelopes.length > ENVELOPES_PER_TRANSACTION) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]?.push(batch);
    size += batch.envelopes.length;
  }
  return groups;
};

const emptyCounts = () => ({ applied: 0, duplicate: 0, parked: 0, pending: 0, invalid: 0 });

const renderSummary = (summary: ImportSummary): string => {
  const reasons = Object.entries(summary.parkedByReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return [
    `imported ${summary.file}: ${summary.tickets} tickets, ${summary.envelopes} envelopes in ${formatElapsed(summary.elapsedMs)}`,
    `  applied ${summary.applied} · duplicate ${summary.duplicate} · parked ${summary.parked}${reasons ? ` (${reasons})` : ''} · pending ${summary.pending} · invalid ${summary.invalid} · ignored ${summary.ignored}`,
  ].join('\n');
};

/**
 * `cli import --source zendesk|canonical --file <path>`: imports a helpdesk's history through the ingest service, as
 * if each fact had been posted to `/ingest`; importing again appends nothing new.
 */
export const importCommand: CliCommand = {
  summary: "import a helpdesk's history (a Zendesk ticket events export, or canonical envelopes) through ingest",
  usage: 'cli import --source zendesk|canonical --file <export.json|.jsonl> [--users <users.json|.jsonl>] [--json]',
  options: [
    ['--source zendesk', 'Zendesk incremental ticket events export with comment_events (pages or JSONL)'],
    ['--source canonical', 'envelopes of POST /ingest/events: an array, { events } or one a line (JSONL)'],
    ['--file <path>', '.json (one value; an array is its items) or .jsonl/.ndjson (one value a line)'],
    ['--users <path>', 'Zendesk users export: comment authors of role agent or admin are staff (else: not requester)'],
    ['--json', 'the summary as JSON'],
  ],
  run: async (args) => {
    const parsed = parse(args);
    if (!parsed.source) {
      process.stderr.write(`${parsed.errors.join('\n')}\nusage: ${importCommand.usage}\n`);
      return USAGE_ERROR;
    }
    const config = configOrExit();
    if (config.EVENT_STORE_URL === 'memory:') {
      process.stderr.write('EVENT_STORE_URL=memory: keeps nothing after the command; import into the real store.\n');
      return USAGE_ERROR;
    }
    let batches: TicketBatch[];
    try {
      batches =
        parsed.source === 'zendesk' ? zendeskBatches(config, parsed.file, parsed.users) : canonicalBatches(parsed.file);
    } catch (error) {
      if (!(error instanceof ExportUnreadable)) throw error;
      process.stderr.write(`${error.message}\nNothing was imported.\n`);
      return 1;
    }
    const { store, together, sync } = await openImportStore(config);
    const app = await NestFactory.createApplicationContext(
      HistoryImportModule.forRoot(config, store, new SystemClock()),
      { logger: ['error', 'warn'] },
    );
    try {
      const ingest = app.get(IngestService);
      const sender: Sender = { actor: { id: 'cli-import', role: 'integration' }, correlationId: randomUUID() };
      const counts = emptyCounts();
      const parkedByReason: Record<string, number> = {};
      const problems: string[] = [];
      let ignored = 0;
      const started = performance.now();
      const tickets = batches.filter((batch) => batch.envelopes.length > 0 || batch.ignored > 0).length;
      const progress = progressReporter(batches.length, 'tickets');
      let done = 0;
      for (const group of transactionGroups(batches)) {
        const outcomes = await together(async () => {
          const ofGroup: (readonly EnvelopeResult[])[] = [];
          for (const batch of group) {
            ofGroup.push(batch.envelopes.length ? await ingest.ingest(batch.source, batch.envelopes, sender) : []);
          }
          return ofGroup;
        });
        for (const [index, batch] of group.entries()) {
          ignored += batch.ignored;
          counts.invalid += batch.invalid.length;
          problems.push(...batch.invalid);
          for (const result of outcomes[index] ?? []) {
            counts[result.status]++;
            if (result.status === 'parked') {
              const reason = result.reason ?? 'unknown';
              parkedByReason[reason] = (parkedByReason[reason] ?? 0) + 1;
            }
            if (result.status === 'invalid') problems.push(`${batch.label}: ${result.detail}`);
          }
        }
        progress.update((done += group.length));
      }
      progress.end();
      await sync();
      const summary: ImportSummary = {
        source: parsed.source,
        file: parsed.file,
        tickets,
        envelopes: batches.reduce((sum, batch) => sum + batch.envelopes.length, 0),
        ...counts,
        ignored,
        parkedByReason,
        elapsedMs: Math.round(performance.now() - started),
      };
      for (const problem of problems.slice(0, SHOWN_PROBLEMS)) process.stderr.write(`invalid: ${problem}\n`);
      if (problems.length > SHOWN_PROBLEMS)
        process.stderr.write(`… and ${problems.length - SHOWN_PROBLEMS} more invalid\n`);
      if (counts.pending > 0) {
        process.stderr.write(
          `${counts.pending} envelopes are recorded but could not be applied: run the import again, or POST /ingest/parked/retry.\n`,
        );
      }
      process.stdout.write(parsed.isJson ? `${JSON.stringify(summary)}\n` : `${renderSummary(summary)}\n`);
      return counts.pending > 0 ? 1 : 0;
    } finally {
      await app.close();
      await store.close();
    }
  },
};
