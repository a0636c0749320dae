import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { z } from 'zod';
import { SystemClock } from '@app/clock';
import { configOrExit, storeOptionsOf } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import {
  type ComplianceRow,
  isRangeOrdered,
  openReadModelDb,
  ProjectionRunner,
  READ_MODELS,
  REPORT_COLUMNS,
  REPORT_FILTER_SHAPE,
  ReportQueries,
  toCsv,
} from '@app/projections';
import { openPublishedPolicies } from '@app/policy';
import { type CliCommand, USAGE_ERROR } from '../command';
import { formatDuration, formatMinutes, formatRate } from '../format';

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  period: { type: 'string' },
  plan: { type: 'string' },
  customer: { type: 'string' },
  agent: { type: 'string' },
  channel: { type: 'string' },
  csv: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

const orDash = (minutes: number | null, format: (value: number) => string): string =>
  minutes === null ? '—' : format(minutes);

/** The compliance report as a table for a terminal: rates in percent, support minutes to one decimal, durations. */
export const renderComplianceTable = (rows: readonly ComplianceRow[]): string => {
  if (rows.length === 0) return 'No applicable first-response clock in this range.';
  const table = new Table({
    head: [
      'plan',
      'period',
      'applicable',
      'met',
      'missed',
      'open',
      'met rate',
      'support min p50 / p90',
      'calendar p50 / p90',
    ],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.plan,
      row.period,
      row.applicable,
      row.met,
      row.missed,
      row.open,
      formatRate(row.rate),
      `${orDash(row.medianSupportMinutes, formatMinutes)} / ${orDash(row.p90SupportMinutes, formatMinutes)}`,
      `${orDash(row.medianCalendarMinutes, formatDuration)} / ${orDash(row.p90CalendarMinutes, formatDuration)}`,
    ]);
  }
  const [first] = rows as [ComplianceRow];
  return `Periods of ${first.zone}\n${table.toString()}`;
};

const parse = (args: readonly string[]) => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: false }));
  } catch (error) {
    return { errors: [error instanceof Error ? error.message : String(error)] };
  }
  const { customer, csv, json, ...rest } = values;
  const parsed = z.strictObject(REPORT_FILTER_SHAPE).safeParse({ ...rest, customerId: customer });
  if (!parsed.success)
    return { errors: parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`) };
  if (!isRangeOrdered(parsed.data)) return { errors: ['--from must be before --to'] };
  if (csv && json) return { errors: ['choose --csv or --json'] };
  return { filter: parsed.data, format: csv ? 'csv' : json ? 'json' : 'table' };
};

/** `cli report`: the compliance report over a range, read from the whole log, as a table, CSV or JSON. */
export const reportCommand: CliCommand = {
  summary: 'write the first-response compliance report for a date range, as a table or CSV',
  usage: 'cli report [--from <instant>] [--to <instant>] [--period day|week|month] [filters] [--csv | --json]',
  options: [
    ['--from <instant>', 'ISO-8601 instant, included (2026-11-01T00:00:00-04:00)'],
    ['--to <instant>', 'ISO-8601 instant, excluded'],
    ['--period <day|week|month>', 'periods of the support calendar zone (default month)'],
    ['--plan <plan>', 'standard, priority or premium'],
    ['--customer <id>', 'one customer'],
    ['--agent <name>', 'who gave the first response'],
    ['--channel <channel>', 'forum, email or phone'],
    ['--csv', 'RFC 4180 CSV with a header row, instants in UTC and in the calendar zone'],
    ['--json', 'the rows as JSON, with full precision'],
  ],
  run: async (args) => {
    const parsed = parse(args);
    if (!parsed.filter) {
      process.stderr.write(`${parsed.errors.join('\n')}\nusage: ${reportCommand.usage}\n`);
      return USAGE_ERROR;
    }
    const config = configOrExit();
    const store = await openEventStore(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config));
    // Built in memory from the log, so the report is current and the engine's read-model file is left alone.
    const db = openReadModelDb(':memory:');
    try {
      const clock = new SystemClock();
      const policies = await (await openPublishedPolicies(config.POLICIES_DIR, store)).current();
      await new ProjectionRunner(store, db, READ_MODELS, clock).catchUp();
      const rows = new ReportQueries(db, policies).compliance(parsed.filter, clock.now());
      const output =
        parsed.format === 'csv'
          ? toCsv(REPORT_COLUMNS.compliance, rows)
          : parsed.format === 'json'
            ? `${JSON.stringify(rows, null, 2)}\n`
            : `${renderComplianceTable(rows)}\n`;
      process.stdout.write(output);
      return 0;
    } finally {
      db.close();
      await store.close();
    }
  },
};
