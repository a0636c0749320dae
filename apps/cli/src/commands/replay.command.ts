import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { configOrExit, storeOptionsOf } from '@app/config';
import { ticketStream, UPCASTERS } from '@app/domain';
import { openEventStore, type RecordedEvent } from '@app/event-store';
import { type HistoryEntry, historyEntry, replayTicket, type TicketAsOf } from '@app/projections';
import { openPublishedPolicies, type PolicyLookup } from '@app/policy';
import { type CliCommand, USAGE_ERROR } from '../command';
import { formatDuration, formatMinutes } from '../format';

const local = (instant: string | null, zone: string): string =>
  instant
    ? (DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat('ccc yyyy-MM-dd HH:mm ZZZZ') ?? instant)
    : '—';

const describeEvent = (entry: HistoryEntry): string => {
  const data = entry.data as Record<string, unknown>;
  const details = ['reason', 'category', 'hours', 'extensionMinutes', 'outcome', 'level', 'atRiskPercent', 'recipients']
    .filter((field) => data[field] !== undefined)
    .map((field) => `${field} ${String(data[field])}`);
  return details.join(', ');
};

/** The ticket's history and its state as of the instant, as a timeline a person reads in a terminal. */
export const renderTimeline = (replay: TicketAsOf, history: readonly HistoryEntry[], zone: string): string => {
  const { state, explanation } = replay;
  const lines = [
    `Ticket ${replay.ticketId} as of ${replay.asOf ? local(replay.asOf, zone) : 'now'}${
      replay.knownAt ? `, as known at ${local(replay.knownAt, zone)}` : ''
    } (${replay.eventsApplied} of ${history.length} events)`,
  ];
  if (state.status === 'NotOpened') return [...lines, '  not received yet at that instant'].join('\n');
  lines.push(
    `  ${state.status} · customer ${state.customerId} · ${state.plan} plan (${state.handlingPriority} handling) · ${state.channel} · "${state.subject}"`,
    '',
    'Timeline',
  );
  const shown = new Set(replay.appliedEventIds);
  const steps = new Map((explanation?.steps ?? []).map((step) => [step.eventId, step]));
  for (const entry of history) {
    if (!shown.has(entry.eventId)) continue;
    const step = steps.get(entry.eventId);
    const deadline = step
      ? ` → ${step.status.toLowerCase()}${step.deadline ? `, due ${local(step.deadline, zone)}` : ''}`
      : '';
    const what = step?.cause ?? describeEvent(entry);
    const late =
      entry.occurredAt && entry.occurredAt !== entry.recordedAt ? ` (recorded ${local(entry.recordedAt, zone)})` : '';
    lines.push(
      `  ${local(entry.occurredAt ?? entry.recordedAt, zone)}  ${entry.type.padEnd(30)} ${`${entry.actor.role} ${entry.actor.id}`.padEnd(18)} ${what}${deadline}${late}`,
    );
  }
  if (explanation) {
    const { allowance } = explanation;
    const relaxation = !allowance.relaxation
      ? 'none'
      : allowance.relaxation.mode === 'extend'
        ? `×${allowance.relaxation.factor}`
        : 'suspended';
    lines.push(
      '',
      'First-response deadline',
      `  ${explanation.status}${explanation.deadline ? ` · due ${local(explanation.deadline, zone)} (${explanation.deadline})` : ''}`,
      `  policy ${explanation.policyVersion} · calendar ${explanation.calendar.id} (${explanation.calendar.timeZone ?? 'unknown zone'})`,
      `  allowance ${formatMinutes(allowance.effectiveMinutes)} support minutes = base ${formatMinutes(allowance.baseMinutes)}, relaxation ${relaxation}, extensions ${formatMinutes(allowance.extensionMinutes)}; ${formatMinutes(explanation.elapsedMinutes)} counted (${formatDuration(explanation.elapsedMinutes)})`,
    );
    if (explanation.supportIntervals.length) {
      lines.push('  support time still to consume:');
      for (const interval of explanation.supportIntervals) {
        lines.push(
          `    ${local(interval.start, zone)} → ${local(interval.end, zone)}  ${formatDuration(interval.minutes)}`,
        );
      }
    }
  }
  return lines.join('\n');
};

const parse = (args: readonly string[]) => {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        'as-of': { type: 'string' },
        'known-at': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
    const [ticketId, ...extra] = positionals;
    const instants = [values['as-of'], values['known-at']];
    if (!ticketId || extra.length || instants.some((at) => at !== undefined && Number.isNaN(Date.parse(at)))) {
      return undefined;
    }
    const [asOf, knownAt] = instants.map((at) => (at === undefined ? undefined : new Date(at).toISOString()));
    return { ticketId, asOf, knownAt, isJson: values.json };
  } catch {
    return undefined;
  }
};

/**
 * `cli replay <ticket> [--as-of <instant>] [--known-at <instant>] [--json]`: the ticket as it stood at an occurrence
 * instant, optionally from what had been recorded by another, with its timeline.
 */
export const replayCommand: CliCommand = {
  summary: 'show a ticket as it stood at an instant, with its timeline and why its deadline is what it is',
  usage: 'cli replay <ticket id> [--as-of <instant>] [--known-at <instant>] [--json]',
  options: [
    ['--as-of <instant>', 'ISO-8601 instant (default now): every fact that occurred by then, even if recorded later'],
    ['--known-at <instant>', 'ISO-8601 instant: only the facts recorded by then (what the engine believed then)'],
    ['--json', "the state endpoint's data with the full history, numbers at full precision"],
  ],
  run: async (args) => {
    const parsed = parse(args);
    if (!parsed) {
      process.stderr.write(`usage: ${replayCommand.usage}\n`);
      return USAGE_ERROR;
    }
    const config = configOrExit();
    const store = await openEventStore(config.EVENT_STORE_URL, UPCASTERS, storeOptionsOf(config));
    try {
      const events: RecordedEvent[] = [];
      for await (const event of store.readStream(ticketStream(parsed.ticketId))) events.push(event);
      if (events.length === 0) {
        process.stderr.write(`There is no ticket ${parsed.ticketId}.\n`);
        return 1;
      }
      const policies: PolicyLookup = await (await openPublishedPolicies(config.POLICIES_DIR, store)).current();
      const replay = replayTicket(parsed.ticketId, events, parsed.asOf, policies, parsed.knownAt);
      const history = events.map(historyEntry);
      if (parsed.isJson) {
        process.stdout.write(`${JSON.stringify({ ...replay, history }, null, 2)}\n`);
      } else {
        const zone = replay.explanation?.calendar.timeZone ?? 'UTC';
        process.stdout.write(`${renderTimeline(replay, history, zone)}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
