import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { v5 as uuidv5 } from 'uuid';
import { SystemClock } from '@app/clock';
import { configOrExit, storeOptionsOf } from '@app/config';
import {
  decideShadow,
  emptyShadow,
  evolveShadow,
  type ExternalSlaMetric,
  readZendeskMetricEvent,
  shadowStream,
  UPCASTERS,
  ZENDESK_METRIC_SOURCE,
  zendeskMetricEventsOf,
} from '@app/domain';
import { handleCommand, openEventStore } from '@app/event-store';
import { type CliCommand, USAGE_ERROR } from '../command';

/** The namespace of the command ids of an import. Never change it. */
const IMPORT_COMMAND_NAMESPACE = '5c3e8f1a-7b2d-5e4c-9a6f-1d0b3c5e7a92';
const IMPORT_ACTOR = { id: 'cli-import-sla', role: 'integration' } as const;
const SOURCES = [ZENDESK_METRIC_SOURCE];

interface Problem {
  readonly index: number;
  readonly field: string;
  readonly reason: string;
}

/** A `.json` file holds one JSON value; any other (`.jsonl`) one value a line, blank lines skipped. */
const valuesOf = (file: string, text: string): unknown[] =>
  file.endsWith('.json')
    ? [JSON.parse(text)]
    : text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);

const readExport = (file: string): unknown[] | string => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
  let values: unknown[];
  try {
    values = valuesOf(file, text);
  } catch (error) {
    return `${file} is not JSON${file.endsWith('.json') ? '' : ' lines'}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const events = values.map(zendeskMetricEventsOf);
  if (events.some((list) => list === null)) {
    return `${file} holds no ticket_metric_events: give an export page, a list of metric events or one a line`;
  }
  return events.flatMap((list) => list ?? []);
};

const parse = (args: readonly string[]): { source: string; file: string } | string => {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { source: { type: 'string' }, file: { type: 'string' } },
    });
    if (!values.source || !values.file) return 'give --source and --file';
    if (!SOURCES.includes(values.source)) return `unknown source ${values.source}: one of ${SOURCES.join(', ')}`;
    return { source: values.source, file: values.file };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

/**
 * `cli import-sla --source zendesk --file <export>`: records a helpdesk's own SLA metric events in the log, once per
 * (source, event id), for `GET /reports/shadow`; prints the counts as JSON.
 */
export const importSlaCommand: CliCommand = {
  summary: "record a helpdesk's own SLA metric events (Zendesk ticket metric events) for the shadow comparison",
  usage: 'cli import-sla --source zendesk --file <metric-events.json | metric-events.jsonl>',
  options: [
    ['--source <source>', `whose SLA: ${SOURCES.join(', ')}`],
    [
      '--file <path>',
      'an export of GET /api/v2/incremental/ticket_metric_events.json: a page, a list of events, or JSON lines',
    ],
  ],
  run: async (args) => {
    const parsed = parse(args);
    const raw = typeof parsed === 'string' ? parsed : readExport(parsed.file);
    if (typeof parsed === 'string' || typeof raw === 'string') {
      process.stderr.write(`${typeof parsed === 'string' ? parsed : raw}\nusage: ${importSlaCommand.usage}\n`);
      return USAGE_ERROR;
    }
    const invalid: Problem[] = [];
    const ignored: Record<string, number> = {};
    const byTicket = new Map<string, ExternalSlaMetric[]>();
    for (const [index, value] of raw.entries()) {
      const reading = readZendeskMetricEvent(value);
      if (reading.kind === 'invalid') {
        invalid.push({ index, field: reading.problem.field, reason: reading.problem.reason });
      } else if (reading.kind === 'ignored') {
        ignored[reading.reason] = (ignored[reading.reason] ?? 0) + 1;
      } else {
        byTicket.set(reading.metric.ticketRef, [...(byTicket.get(reading.metric.ticketRef) ?? []), reading.metric]);
      }
    }
    const config = configOrExit();
    const store = await openEventStore(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config));
    const clock = new SystemClock();
    let recorded = 0;
    try {
      for (const [ticketRef, metrics] of byTicket) {
        const commandId = uuidv5(
          `${parsed.source}:${ticketRef}:${metrics.map((metric) => metric.sourceEventId).join(',')}`,
          IMPORT_COMMAND_NAMESPACE,
        );
        const metadata = { now: clock.now(), commandId, correlationId: commandId, actor: IMPORT_ACTOR };
        const command = {
          type: 'RecordExternalSlaMetrics',
          data: { source: parsed.source, ticketRef, metrics },
          metadata,
        } as const;
        const outcome = await handleCommand(
          store,
          shadowStream(parsed.source, ticketRef),
          { initialState: emptyShadow, evolve: evolveShadow, decide: (shadow) => decideShadow(command, shadow) },
          metadata,
        );
        if (outcome.outcome === 'accepted') recorded += outcome.events.length;
      }
    } finally {
      await store.close();
    }
    const metrics = [...byTicket.values()].reduce((sum, list) => sum + list.length, 0);
    const ignoredCount = Object.values(ignored).reduce((sum, count) => sum + count, 0);
    process.stdout.write(
      `${JSON.stringify({
        source: parsed.source,
        read: raw.length,
        tickets: byTicket.size,
        recorded,
        duplicate: metrics - recorded,
        ignored: ignoredCount,
        ignoredBy: ignored,
        invalid: invalid.length,
        problems: invalid,
      })}\n`,
    );
    return invalid.length ? 1 : 0;
  },
};
