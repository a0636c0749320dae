import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FixedClock } from '@app/clock';
import { FIRST_RESPONSE_CLOCK, type TicketState, UPCASTERS } from '@app/domain';
import { type EventStore, openEventStore, type RecordedEvent, SqliteEventStore, withUpcasting } from '@app/event-store';
import { openReadModelDb, ProjectionRunner, READ_MODELS, replayTicket } from '@app/projections';
import { Scenario } from '@app/projections/test-support/scenario';
import { benchmarkReport, printReport } from '../report';

const LOG_EVENTS = 1_000_000;
const TEMPLATE_TICKETS = 500;
const REPLICA = 'xREPx';
const ROUNDS = 3;
const REPLAY_SIZES = [10, 100, 1_000, 10_000] as const;

const directory = mkdtempSync(join(tmpdir(), 'bench-projections-'));
const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const minutesAfter = (start: string, minutes: number): string =>
  new Date(Date.parse(start) + minutes * 60_000).toISOString();
const generationOf = (state: TicketState): number => (state.status === 'NotOpened' ? 0 : state.clock.timerGeneration);

/**
 * A template of realistic traffic made by the deciders: customers on every plan, tickets answered in time, late
 * (at risk, breached, escalated), paused for training, out of scope and billed. Ids carry a marker that each replica
 * of the template replaces, so the log holds distinct tickets.
 */
const template = async (): Promise<RecordedEvent[]> => {
  const store = await openEventStore('memory:', UPCASTERS);
  const scenario = new Scenario(store);
  const day = '2026-11-30T13:00:00.000Z';
  const plans = ['premium', 'priority', 'standard'] as const;
  for (const [index, plan] of plans.entries()) {
    await scenario.customer(
      {
        type: 'RegisterCustomer',
        data: { customerId: `c${index}${REPLICA}`, name: `Customer ${index}`, licences: 20, plan },
      },
      day,
    );
  }
  for (let n = 0; n < TEMPLATE_TICKETS; n++) {
    const ticketId = `t${n}${REPLICA}`;
    const customer = n % 3;
    const receivedAt = minutesAfter('2026-11-30T13:00:00.000Z', n % 240);
    await scenario.ticket(
      {
        type: 'OpenTicket',
        data: {
          ticketId,
          customerId: `c${customer}${REPLICA}`,
          channel: 'forum',
          subject: `Question ${n}`,
          receivedAt,
        },
      },
      receivedAt,
    );
    const timer = (type: 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach', now: string) =>
      scenario.ticket(
        {
          type,
          data: {
            ticketId,
            clockId: FIRST_RESPONSE_CLOCK,
            timerGeneration: generationOf(scenario.ticketState(ticketId)),
          },
        },
        now,
        'system',
      );
    const state = scenario.ticketState(ticketId);
    const deadline =
      state.status !== 'NotOpened' && state.clock.status === 'Running' ? state.clock.deadline : receivedAt;
    if (n % 4 === 0) {
      await timer('RecordSlaAtRisk', deadline);
      await timer('RecordSlaBreach', deadline);
      await timer('EscalateSlaBreach', minutesAfter(deadline, 24 * 60));
    }
    if (n % 7 === 3) {
      await scenario.ticket(
        { type: 'MarkTicketOutOfScope', data: { ticketId, category: 'beyond-plan' } },
        minutesAfter(receivedAt, 5),
      );
      await scenario.ticket({ type: 'OfferProfessionalServices', data: { ticketId } }, minutesAfter(receivedAt, 6));
      await scenario.ticket(
        { type: 'BillProfessionalServices', data: { ticketId, hours: 1.5 } },
        minutesAfter(receivedAt, 7),
      );
    } else {
      await scenario.ticket({ type: 'RecordResponse', data: { ticketId } }, minutesAfter(deadline, n % 2 ? -30 : 30));
    }
    await scenario.ticket({ type: 'RecordResponse', data: { ticketId } }, minutesAfter(deadline, 60));
    await scenario.ticket({ type: 'ResolveTicket', data: { ticketId } }, minutesAfter(deadline, 90));
  }
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  await store.close();
  return events;
};

/** Writes `LOG_EVENTS` events, replicas of the template, with the store's schema and in its row format. */
const populate = async (path: string, events: readonly RecordedEvent[]): Promise<void> => {
  await SqliteEventStore.open(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const rows = events.map((event) => [
    event.stream,
    event.revision,
    event.type,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
  ]);
  const replicate = db.transaction((replica: number, count: number) => {
    const tag = `r${replica}`;
    for (const [stream, revision, type, data, metadata] of rows.slice(0, count) as [
      string,
      number,
      string,
      string,
      string,
    ][]) {
      insert.run(stream.replace(REPLICA, tag), revision, randomUUID(), type, data.replaceAll(REPLICA, tag), metadata);
    }
  });
  let written = 0;
  for (let replica = 0; written < LOG_EVENTS; replica++) {
    const count = Math.min(rows.length, LOG_EVENTS - written);
    replicate(replica, count);
    written += count;
  }
  db.close();
};

const rawScan = (path: string): number => {
  const db = new Database(path, { readonly: true });
  const started = performance.now();
  let count = 0;
  const scan = db.prepare('SELECT position, stream, revision, id, type, data, metadata FROM events ORDER BY position');
  for (const row of scan.iterate() as Iterable<{ data: string; metadata: string }>) {
    JSON.parse(row.data);
    JSON.parse(row.metadata);
    count++;
  }
  const seconds = (performance.now() - started) / 1_000;
  db.close();
  if (count !== LOG_EVENTS) throw new Error(`scanned ${count} events, expected ${LOG_EVENTS}`);
  return count / seconds;
};

const rebuild = async (path: string, round: number): Promise<{ rate: number; firstResponses: number }> => {
  const store = await openEventStore(`sqlite:${path}`, UPCASTERS);
  const db = openReadModelDb(join(directory, `read-models-${round}.db`));
  const runner = new ProjectionRunner(store, db, READ_MODELS, new FixedClock('2026-12-31T00:00:00.000Z'));
  const started = performance.now();
  const applied = await runner.catchUp();
  const seconds = (performance.now() - started) / 1_000;
  const { count } = db.prepare('SELECT count(*) AS count FROM report_clocks WHERE responded_at IS NOT NULL').get() as {
    count: number;
  };
  db.close();
  await store.close();
  if (applied !== LOG_EVENTS) throw new Error(`rebuilt from ${applied} events, expected ${LOG_EVENTS}`);
  return { rate: applied / seconds, firstResponses: count };
};

/** One ticket with `size` events: opened, answered, then answered again and again, as a long conversation. */
const longTicket = async (store: EventStore, size: number): Promise<{ ticketId: string; lastAt: string }> => {
  const scenario = new Scenario(store);
  const ticketId = `long-${size}`;
  const customerId = `customer-${size}`;
  const start = '2026-11-30T13:00:00.000Z';
  await scenario.customer(
    { type: 'RegisterCustomer', data: { customerId, name: 'Long', licences: 20, plan: 'premium' } },
    start,
  );
  await scenario.ticket(
    { type: 'OpenTicket', data: { ticketId, customerId, channel: 'email', subject: 'Long', receivedAt: start } },
    start,
  );
  let lastAt = start;
  for (let n = 1; n < size; n++) {
    lastAt = minutesAfter(start, n);
    await scenario.ticket({ type: 'RecordResponse', data: { ticketId, by: `agent-${n % 5}` } }, lastAt);
  }
  return { ticketId, lastAt };
};

const replays = async () => {
  const store = withUpcasting(
    SqliteEventStore.open(join(directory, 'long-tickets.db'), { synchronous: 'NORMAL' }),
    UPCASTERS,
  );
  const policies = new Scenario(store).policies;
  const results: Record<string, { events: number; medianMs: number }> = {};
  for (const size of REPLAY_SIZES) {
    const { ticketId, lastAt } = await longTicket(store, size);
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      const events: RecordedEvent[] = [];
      for await (const event of store.readStream(`ticket-${ticketId}`)) events.push(event);
      const replay = replayTicket(ticketId, events, minutesAfter(lastAt, -1), policies);
      times.push(performance.now() - started);
      if (replay.eventsApplied !== size - 1) throw new Error(`replayed ${replay.eventsApplied} events of ${size}`);
    }
    results[String(size)] = { events: size, medianMs: Number(median(times).toFixed(2)) };
  }
  await store.close();
  return results;
};

const main = async (): Promise<void> => {
  const path = join(directory, 'events.db');
  const events = await template();
  await populate(path, events);
  const raw: number[] = [];
  const rebuilt: number[] = [];
  let compliance = 0;
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(rawScan(path));
    const result = await rebuild(path, round);
    rebuilt.push(result.rate);
    compliance = result.firstResponses;
  }
  const rawRate = Math.round(median(raw));
  const rebuildRate = Math.round(median(rebuilt));
  const ratio = Number((rebuildRate / rawRate).toFixed(2));
  const asOf = await replays();
  printReport(
    benchmarkReport(
      'projections',
      {
        unit: 'events per second; milliseconds for replays',
        roundsPerMeasure: ROUNDS,
        log: { events: LOG_EVENTS, templateEvents: events.length, readModels: READ_MODELS.map((model) => model.name) },
        rebuild: {
          eventsPerSecond: rebuildRate,
          rawScanParsingJsonPerSecond: rawRate,
          ratio,
          firstResponsesInReportModel: compliance,
        },
        asOfReplay: asOf,
      },
      [
        { metric: 'rebuild / raw scan', value: ratio, op: '>=', target: 0.3 },
        {
          metric: 'asOf replay of a ticket with 10 000 events (ms)',
          value: asOf['10000']?.medianMs ?? Infinity,
          op: '<=',
          target: 100,
        },
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
