import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { SHADOW_CSV_COLUMNS, type ShadowRow, type ShadowSummary } from '@app/projections';
import { runApp } from '../support/process';
import { type Engine, KEYS, ROLES, startEngine } from './support/engine';
import { generateTickets, metricEventExport } from './support/zendesk-metric-export';

/** Tuesday 2026-06-30, 08:00 in Toronto. */
const NOW = '2026-06-30T12:00:00.000Z';
const INGEST_SECRET = 'zendesk-ingest-secret-0123456789';
const INTEGRATION_KEY = 'integration-key-0123456789abcdef';
const ORGANIZATION = '8447346622462';
const TICKETS = generateTickets(300);

describe("Zendesk's own SLA shadowing the engine's, over HTTP and the CLI", () => {
  let engine: Engine;
  let exportFile: string;

  const importSla = async (args: string[]) => {
    const cli = runApp(
      'cli',
      {
        EVENT_STORE_URL: `sqlite:${engine.eventsFile}`,
        READ_MODELS_PATH: join(engine.dataDir, 'cli-read-models.db'),
        POLICIES_DIR: join(__dirname, '..', '..', 'policies'),
        LOG_LEVEL: 'silent',
      },
      ['import-sla', ...args],
    );
    const { code } = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  const ingest = async (events: unknown[]) => {
    const body = JSON.stringify({ events });
    const timestamp = String(Date.parse(NOW) / 1000);
    const signature = `sha256=${createHmac('sha256', INGEST_SECRET).update(`${timestamp}\nzendesk\n${body}`).digest('hex')}`;
    const answer = await engine.call('POST', '/ingest/events', {
      body,
      headers: {
        authorization: `Bearer ${INTEGRATION_KEY}`,
        'x-ingest-source': 'zendesk',
        'x-ingest-timestamp': timestamp,
        'x-ingest-signature': signature,
      },
    });
    expect(answer.status).toBe(200);
    expect((answer.json.results as { status: string }[]).filter(({ status }) => status !== 'applied')).toEqual([]);
  };

  beforeAll(async () => {
    engine = await startEngine({
      now: NOW,
      env: {
        API_KEYS: [
          ...ROLES.map((role) => `${role}1:${role}:${KEYS[role]}`),
          `zendesk:integration:${INTEGRATION_KEY}`,
        ].join(','),
        INGEST_SECRETS: `zendesk=${INGEST_SECRET}`,
      },
    });
    const customer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium', externalRefs: { zendesk: ORGANIZATION } },
    });
    expect(customer.status).toBe(201);
    const inEngine = TICKETS.filter((ticket) => ticket.isInEngine);
    for (let start = 0; start < inEngine.length; start += 150) {
      await ingest(
        inEngine.slice(start, start + 150).flatMap((ticket) => [
          {
            source: 'zendesk',
            sourceEventId: `created-${ticket.ticketRef}`,
            type: 'ticket.received',
            occurredAt: ticket.receivedAt,
            ticketRef: ticket.ticketRef,
            customerRef: ORGANIZATION,
            data: { subject: `Zendesk ticket ${ticket.ticketRef}`, channel: 'email' },
          },
          ...(ticket.repliedAt
            ? [
                {
                  source: 'zendesk',
                  sourceEventId: `comment-${ticket.ticketRef}`,
                  type: 'agent.replied',
                  occurredAt: ticket.repliedAt,
                  ticketRef: ticket.ticketRef,
                  data: { by: 'alice' },
                },
              ]
            : []),
        ]),
      );
    }
    exportFile = join(engine.dataDir, 'ticket-metric-events.jsonl');
    writeFileSync(
      exportFile,
      metricEventExport(TICKETS)
        .pages.map((page) => JSON.stringify(page))
        .join('\n'),
    );
  }, 120_000);

  afterAll(() => engine.close());

  const both = TICKETS.filter((ticket) => ticket.isInEngine && ticket.isInZendesk);
  const expected: ShadowSummary = {
    compared: both.length,
    agree: both.filter((ticket) => !ticket.isExpectedToDiffer).length,
    differ: both.filter((ticket) => ticket.isExpectedToDiffer).length,
    onlyInZendesk: TICKETS.filter((ticket) => ticket.isInZendesk && !ticket.isInEngine).length,
    onlyInEngine: TICKETS.filter((ticket) => ticket.isInEngine && !ticket.isInZendesk).length,
  };

  it('imports the export once, counting what it ignores, and finds only duplicates the second time', async () => {
    const { events } = metricEventExport(TICKETS);
    const used = events.filter(
      (event) => event.metric === 'reply_time' && event.instance_id === 1 && event.type !== 'update_status',
    ).length;
    const first = await importSla(['--source', 'zendesk', '--file', exportFile]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      source: 'zendesk',
      read: events.length,
      tickets: TICKETS.filter((ticket) => ticket.isInZendesk).length,
      recorded: used,
      duplicate: 0,
      ignored: events.length - used,
      ignoredBy: {
        'metric-not-used': events.filter((event) => event.metric !== 'reply_time').length,
        'instance-not-used': events.filter((event) => event.metric === 'reply_time' && event.instance_id !== 1).length,
        'type-not-used': events.filter((event) => event.type === 'update_status').length,
      },
      invalid: 0,
      problems: [],
    });
    const again = await importSla(['--source', 'zendesk', '--file', exportFile]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ recorded: 0, duplicate: used, invalid: 0 });
  }, 60_000);

  it('compares every ticket: most agree, those across Fête nationale or under another policy differ', async () => {
    const answer = await engine.call('GET', '/reports/shadow?source=zendesk', { as: 'lead' });
    expect(answer.status).toBe(200);
    const { summary, items } = answer.json as { summary: ShadowSummary; items: ShadowRow[] };
    expect(summary).toEqual(expected);
    expect(summary.agree).toBeGreaterThan(summary.differ);
    expect(items).toHaveLength(TICKETS.length);
    const holiday = TICKETS.filter((ticket) => ticket.isAcrossFeteNationale && ticket.isInEngine && ticket.isInZendesk);
    expect(holiday.length).toBeGreaterThan(0);
    for (const ticket of holiday) {
      expect(items.find((row) => row.ticketRef === ticket.ticketRef)).toMatchObject({
        differs: true,
        zendesk: { deadline: ticket.zendeskDeadline },
        difference: { deadlineMinutes: -1440 },
        explanation: { timeZone: 'America/Toronto', holidays: ['2026-06-24'] },
      });
    }
    const agreeing = both.find((ticket) => !ticket.isExpectedToDiffer && ticket.repliedAt);
    expect(items.find((row) => row.ticketRef === agreeing?.ticketRef)).toMatchObject({
      differs: false,
      engine: { deadline: agreeing?.zendeskDeadline, respondedAt: agreeing?.repliedAt },
      explanation: null,
    });
    const differing = await engine.call('GET', '/reports/shadow?source=zendesk&differs=true', { as: 'auditor' });
    expect((differing.json.items as ShadowRow[]).map((row) => row.ticketRef)).toEqual(
      items.filter((row) => row.differs).map((row) => row.ticketRef),
    );
    expect(differing.json.items).toHaveLength(expected.differ + expected.onlyInEngine + expected.onlyInZendesk);
  });

  it('serves the same rows as CSV, for format=csv or Accept: text/csv', async () => {
    const json = (await engine.call('GET', '/reports/shadow?source=zendesk', { as: 'lead' })).json.items as ShadowRow[];
    for (const request of [
      { path: '/reports/shadow?source=zendesk&format=csv', headers: {} },
      { path: '/reports/shadow?source=zendesk', headers: { accept: 'text/csv' } },
    ]) {
      const answer = await engine.call('GET', request.path, { as: 'lead', headers: request.headers });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      const raw = answer.body as string;
      expect((parse(raw, { to_line: 1 }) as string[][])[0]).toEqual([...SHADOW_CSV_COLUMNS]);
      const rows = parse(raw, { columns: true }) as Record<string, string>[];
      expect(rows.map((row) => [row.ticketRef, row.differs, row.engineDeadline, row.zendeskDeadline])).toEqual(
        json.map((row) => [
          row.ticketRef,
          String(row.differs),
          row.engine?.deadline ?? '',
          row.zendesk?.deadline ?? '',
        ]),
      );
    }
  });

  it('refuses an unknown source with 400, and a caller who may not read reports with 403', async () => {
    const unknown = await engine.call('GET', '/reports/shadow?source=freshdesk', { as: 'lead' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(unknown.json).toMatchObject({ code: 'invalid-request' });
    expect((await engine.call('GET', '/reports/shadow', { as: 'lead' })).status).toBe(400);
    const integration = await engine.call('GET', '/reports/shadow?source=zendesk', {
      headers: { authorization: `Bearer ${INTEGRATION_KEY}` },
    });
    expect(integration.status).toBe(403);
  });

  it('exits 2 for a file that is not an export, an unknown source or missing options, recording nothing', async () => {
    const notJson = join(engine.dataDir, 'broken.json');
    writeFileSync(notJson, '{"ticket_metric_events": [');
    const notExport = join(engine.dataDir, 'tickets.json');
    writeFileSync(notExport, JSON.stringify({ tickets: [] }));
    for (const args of [
      ['--source', 'zendesk', '--file', notJson],
      ['--source', 'zendesk', '--file', notExport],
      ['--source', 'zendesk', '--file', join(engine.dataDir, 'missing.json')],
      ['--source', 'freshdesk', '--file', exportFile],
      ['--source', 'zendesk'],
    ]) {
      const run = await importSla(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/usage: cli import-sla/);
      expect(run.stdout).toBe('');
    }
    const after = await engine.call('GET', '/reports/shadow?source=zendesk', { as: 'lead' });
    expect(after.json.summary).toEqual(expected);
  }, 60_000);
});
