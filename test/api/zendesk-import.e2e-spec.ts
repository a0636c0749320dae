import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApp } from '../support/process';
import {
  expectedImport,
  exportPages,
  generateHistory,
  type GeneratedHistory,
  usersPage,
  webhookEventsOf,
} from '../support/zendesk-export';
import { type Engine, KEYS, ROLES, startEngine } from './support/engine';

const SECRET = 'zendesk-webhook-secret-0123456789';
const INTEGRATION_KEY = 'integration-key-0123456789abcdef';
const ROOT = join(__dirname, '..', '..');

interface Summary {
  tickets: number;
  envelopes: number;
  applied: number;
  duplicate: number;
  parked: number;
  pending: number;
  invalid: number;
  ignored: number;
  parkedByReason: Record<string, number>;
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Counts of the log by event type, of the streams whose names start with `prefix`. */
const typesOf = (eventsFile: string, prefix: string): Record<string, number> => {
  const db = new Database(eventsFile, { readonly: true });
  const rows = db
    .prepare('SELECT type, COUNT(*) AS n FROM events WHERE substr(stream, 1, ?) = ? GROUP BY type')
    .all(prefix.length, prefix) as { type: string; n: number }[];
  db.close();
  return Object.fromEntries(rows.map(({ type, n }) => [type, n]));
};

/** Every event of the ticket and customer streams, as stored: what the replay must leave as it is. */
const ticketAndCustomerLog = (eventsFile: string): unknown[] => {
  const db = new Database(eventsFile, { readonly: true });
  const rows = db
    .prepare(
      "SELECT position, stream, revision, id, type, data FROM events WHERE stream LIKE 'ticket-%' OR stream LIKE 'customer-%' ORDER BY position",
    )
    .all();
  db.close();
  return rows;
};

describe('cli import of a Zendesk history, into the SQLite file of a running engine', () => {
  let engine: Engine;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sla-import-'));
    engine = await startEngine({
      env: {
        API_KEYS: [
          ...ROLES.map((role) => `${role}1:${role}:${KEYS[role]}`),
          `zendesk:integration:${INTEGRATION_KEY}`,
        ].join(','),
        ZENDESK_WEBHOOK_SECRET: SECRET,
      },
    });
  });

  afterEach(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const registerCustomers = async (history: GeneratedHistory): Promise<void> => {
    for (const organization of history.knownOrganizations) {
      const answer = await engine.call('POST', '/customers', {
        as: 'admin',
        body: {
          name: `Org ${organization}`,
          licences: 20,
          plan: 'premium',
          externalRefs: { zendesk: String(organization) },
        },
      });
      expect(answer.status).toBe(201);
    }
  };

  const cliImport = async (args: string[]) => {
    const cli = runApp(
      'cli',
      { EVENT_STORE_URL: `sqlite:${engine.eventsFile}`, POLICIES_DIR: join(ROOT, 'policies'), LOG_LEVEL: 'silent' },
      ['import', ...args],
    );
    const { code } = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  };

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('imports 300 tickets exactly as the facts say, with progress lines, and appends nothing when run again', async () => {
    const history = generateHistory({ tickets: 300 });
    await registerCustomers(history);
    const file = write(
      'ticket-events.jsonl',
      exportPages(history, 500)
        .map((page) => JSON.stringify(page))
        .join('\n'),
    );
    const users = write('users.json', JSON.stringify(usersPage(history)));
    const expected = expectedImport(history);

    const first = await cliImport(['--source', 'zendesk', '--file', file, '--users', users, '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/\[#{30}\] 100% 300\/300 tickets/);
    const summary = JSON.parse(first.stdout) as Summary;
    expect(summary).toMatchObject({
      tickets: 300,
      envelopes: expected.envelopes,
      applied: expected.applied,
      duplicate: 0,
      parked: sum(expected.parkedByReason),
      pending: 0,
      invalid: 0,
      ignored: expected.ignored,
      parkedByReason: expected.parkedByReason,
    });

    const tickets = typesOf(engine.eventsFile, 'ticket-');
    expect(tickets).toMatchObject({
      TicketOpened: expected.opened,
      TicketResponded: expected.responses,
      TicketResolved: expected.resolved,
    });
    const ledgers = typesOf(engine.eventsFile, 'ingest-');
    expect(ledgers).toEqual({
      IngestEnvelopeRecorded: expected.envelopes,
      IngestEnvelopeApplied: expected.applied,
      IngestEnvelopeParked: sum(expected.parkedByReason),
    });
    const found = await engine.call('GET', `/tickets?externalRef=zendesk:${history.tickets[0]?.id}`, { as: 'auditor' });
    expect(found.json.items).toHaveLength(history.tickets[0]?.isKnownOrganization ? 1 : 0);

    await settled(engine.eventsFile);
    const before = ticketAndCustomerLog(engine.eventsFile);
    const again = await cliImport(['--source', 'zendesk', '--file', file, '--users', users, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ duplicate: expected.envelopes, applied: 0, parked: 0 });
    expect(typesOf(engine.eventsFile, 'ingest-')).toEqual(ledgers);
    await settled(engine.eventsFile);
    expect(ticketAndCustomerLog(engine.eventsFile)).toEqual(before);
  });

  it('then takes the same facts from the signed webhook as duplicates: the ticket and customer streams stay as imported', async () => {
    const history = generateHistory({ tickets: 30, seed: 11 });
    await registerCustomers(history);
    const file = write('ticket-events.json', JSON.stringify(exportPages(history, 40)));
    const imported = await cliImport(['--source', 'zendesk', '--file', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported .*: 30 tickets, \d+ envelopes in /);
    await settled(engine.eventsFile);
    const before = ticketAndCustomerLog(engine.eventsFile);
    const ledgersBefore = typesOf(engine.eventsFile, 'ingest-');

    const statuses: Record<string, number> = {};
    for (const event of history.tickets.flatMap(webhookEventsOf)) {
      const body = JSON.stringify(event);
      const timestamp = new Date(Date.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      const answer = await engine.call('POST', '/ingest/zendesk', {
        body,
        headers: {
          authorization: `Bearer ${INTEGRATION_KEY}`,
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': createHmac('sha256', SECRET).update(`${timestamp}${body}`).digest('base64'),
        },
      });
      expect(answer.status).toBe(200);
      const { status } = answer.json.result as { status: string };
      statuses[status] = (statuses[status] ?? 0) + 1;
    }

    const expected = expectedImport(history);
    expect(statuses).toEqual({ duplicate: expected.envelopes, ignored: expected.ignored });
    await settled(engine.eventsFile);
    expect(ticketAndCustomerLog(engine.eventsFile)).toEqual(before);
    expect(typesOf(engine.eventsFile, 'ingest-')).toEqual(ledgersBefore);
  });

  it('imports canonical envelopes, each once, whatever the order of the file', async () => {
    await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium', externalRefs: { 'acme-desk': 'org-7' } },
    });
    const envelope = (sourceEventId: string, type: string, occurredAt: string, extra: object = {}) => ({
      source: 'acme-desk',
      sourceEventId,
      type,
      occurredAt,
      ticketRef: 'T-9',
      data: {},
      ...extra,
    });
    const events = [
      envelope('r1', 'agent.replied', '2025-03-04T15:00:00Z', { data: { by: 'bob' } }),
      envelope('o1', 'ticket.received', '2025-03-03T14:00:00Z', {
        customerRef: 'org-7',
        data: { subject: 'Crash', channel: 'email' },
      }),
      envelope('bad', 'ticket.merged', '2025-03-03T14:00:00Z'),
    ];
    const asJson = write('envelopes.json', JSON.stringify({ events }));
    const first = await cliImport(['--source', 'canonical', '--file', asJson, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ applied: 2, invalid: 1, duplicate: 0 });
    expect(first.stderr).toContain('invalid: acme-desk ticket T-9: type: must be one of');
    const asLines = write('envelopes.jsonl', events.map((event) => JSON.stringify(event)).join('\n'));
    const again = await cliImport(['--source', 'canonical', '--file', asLines, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: 0, duplicate: 2, invalid: 1 });
    const found = await engine.call('GET', '/tickets?externalRef=acme-desk:T-9', { as: 'auditor' });
    expect(found.json.items).toEqual([expect.objectContaining({ firstResponseAt: '2025-03-04T15:00:00.000Z' })]);
  });

  it('refuses bad options and unreadable files with a clear message, importing nothing', async () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /--source must be one of zendesk, canonical/],
      [['--source', 'freshdesk', '--file', 'x.json'], 2, /--source must be one of/],
      [['--source', 'zendesk'], 2, /--file <path> is required/],
      [['--source', 'canonical', '--file', 'x.json', '--users', 'u.json'], 2, /--users goes with --source zendesk/],
      [['--source', 'zendesk', '--file', join(dir, 'missing.json')], 1, /cannot read .*missing\.json/],
      [['--source', 'zendesk', '--file', write('broken.json', '{"ticket_events": [')], 1, /broken\.json is not JSON/],
      [
        ['--source', 'zendesk', '--file', write('tickets.json', '{"tickets": []}')],
        1,
        /neither a page of the ticket events export/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const answer = await cliImport(args);
      expect({ args, code: answer.code }).toEqual({ args, code });
      expect(answer.stderr).toMatch(message);
    }
    const lines = write(
      'partly.jsonl',
      `not json\n${JSON.stringify(exportPages(generateHistory({ tickets: 1 }))[0])}\n`,
    );
    const partly = await cliImport(['--source', 'zendesk', '--file', lines, '--json']);
    expect(partly.code).toBe(0);
    expect(partly.stderr).toContain(`invalid: ${lines}:1: not JSON`);
    expect(JSON.parse(partly.stdout)).toMatchObject({ tickets: 1, invalid: 1 });
    expect(typesOf(engine.eventsFile, 'ingest-').IngestEnvelopeRecorded).toBeGreaterThan(0);
  });
});

/** Waits until the engine's reactors stop appending (the log's head stays put for a second). */
const settled = async (eventsFile: string): Promise<void> => {
  const head = (): number => {
    const db = new Database(eventsFile, { readonly: true });
    const { position } = db.prepare('SELECT MAX(position) AS position FROM events').get() as { position: number };
    db.close();
    return position;
  };
  for (let last = -1, current = head(); current !== last; last = current, current = head()) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
};
