import { createHmac } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { eventually } from '@app/clock/test-support/eventually';
import ticketCreated from './fixtures/zendesk/ticket-created.json';
import { type Engine, KEYS, ROLES, startEngine } from './support/engine';

/** Monday 2026-12-07, 19:00 in Toronto: the premium deadline of Monday 11:30 has passed. */
const NOW = '2026-12-08T00:00:00.000Z';
const SECRET = 'zendesk-webhook-secret-0123456789';
const INTEGRATION_KEY = 'integration-key-0123456789abcdef';
const ORGANIZATION = '8447346622462';
const ZENDESK_TICKET = { source: 'zendesk', externalId: '35436' };

type Item = Record<string, unknown>;

describe('a ticket opened from Zendesk, named by its Zendesk number in every read', () => {
  let engine: Engine;
  let zendeskTicket: string;
  let apiTicket: string;
  let acme: string;

  beforeAll(async () => {
    engine = await startEngine({
      now: NOW,
      env: {
        API_KEYS: [
          ...ROLES.map((role) => `${role}1:${role}:${KEYS[role]}`),
          `zendesk:integration:${INTEGRATION_KEY}`,
        ].join(','),
        ZENDESK_WEBHOOK_SECRET: SECRET,
      },
    });
    const customer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium', externalRefs: { zendesk: ORGANIZATION } },
    });
    // Created Friday 2026-12-04 at 19:00 in Toronto.
    const body = JSON.stringify({
      ...ticketCreated,
      time: '2026-12-05T00:00:00Z',
      detail: { ...ticketCreated.detail, created_at: '2026-12-05T00:00:00Z', subject: 'Import fails on large files' },
    });
    const timestamp = NOW.replace('.000', '');
    const delivered = await engine.call('POST', '/ingest/zendesk', {
      body,
      headers: {
        authorization: `Bearer ${INTEGRATION_KEY}`,
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': createHmac('sha256', SECRET).update(`${timestamp}${body}`).digest('base64'),
      },
    });
    expect(delivered.json.result).toMatchObject({ status: 'applied' });
    zendeskTicket = (delivered.json.result as { ticketId: string }).ticketId;
    acme = String(customer.json.id);
    const other = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Bolt', licences: 20, plan: 'premium' },
    });
    await engine.call('PUT', `/customers/${String(other.json.id)}/external-refs/zendesk`, {
      as: 'admin',
      body: { externalId: '900' },
    });
    const opened = await engine.call('POST', '/tickets', {
      as: 'agent',
      body: { customerId: customer.json.id, channel: 'email', subject: 'Export is slow' },
    });
    apiTicket = String(opened.json.id);
    await eventually(
      async () => {
        const breaches = await engine.call('GET', '/breaches', { as: 'ops' });
        expect((breaches.json.items as Item[]).map((item) => item.kind).sort()).toEqual(['breach', 'escalation']);
      },
      15_000,
      50,
    );
  });

  afterAll(() => engine?.close());

  it('shows it in the ticket view and the opening of its history', async () => {
    const view = await engine.call('GET', `/tickets/${zendeskTicket}`, { as: 'auditor' });
    expect(view.json.externalRef).toEqual(ZENDESK_TICKET);
    const history = await engine.call('GET', `/tickets/${zendeskTicket}/history`, { as: 'auditor' });
    const [opening] = (history.json as unknown as { events: { type: string; data: Item }[] }).events;
    expect(opening).toMatchObject({ type: 'TicketOpened', data: { externalRef: ZENDESK_TICKET } });
  });

  it('shows it in the open queue, where a search for the number finds it, and none for a ticket opened through the API', async () => {
    const queue = await engine.call('GET', '/queue', { as: 'lead' });
    const refs = Object.fromEntries((queue.json.items as Item[]).map((item) => [item.ticketId, item.externalRef]));
    expect(refs).toEqual({ [zendeskTicket]: ZENDESK_TICKET, [apiTicket]: null });
    const found = await engine.call('GET', '/queue?q=35436', { as: 'lead' });
    expect((found.json.items as Item[]).map((item) => item.ticketId)).toEqual([zendeskTicket]);
  });

  it('shows it in the breach log and in the breach report, as JSON and as CSV', async () => {
    const log = await engine.call('GET', '/breaches', { as: 'ops' });
    expect((log.json.items as Item[]).map((item) => item.externalRef)).toEqual([ZENDESK_TICKET, ZENDESK_TICKET]);
    const report = await engine.call('GET', '/reports/breaches', { as: 'lead' });
    expect((report.json.items as Item[]).map((item) => [item.kind, item.externalRef])).toEqual([
      ['breach', ZENDESK_TICKET],
      ['escalation', ZENDESK_TICKET],
    ]);
    const csv = await engine.call('GET', '/reports/breaches', { as: 'lead', headers: { accept: 'text/csv' } });
    const rows = parse(String(csv.body), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.ticketId, row.externalRef])).toEqual([
      [zendeskTicket, 'zendesk:35436'],
      [zendeskTicket, 'zendesk:35436'],
    ]);
  });

  it("shows the customers' references, given at registration or set later, in the customer list and report", async () => {
    await eventually(async () => {
      const customers = await engine.call('GET', '/customers', { as: 'lead' });
      expect((customers.json.items as Item[]).map((item) => [item.name, item.externalRefs])).toEqual([
        ['Acme', { zendesk: ORGANIZATION }],
        ['Bolt', { zendesk: '900' }],
      ]);
    });
    const report = await engine.call('GET', `/reports/customers?customerId=${acme}`, { as: 'lead' });
    expect((report.json.items as Item[]).map((item) => item.externalRefs)).toEqual([
      [{ source: 'zendesk', externalId: ORGANIZATION }],
    ]);
    const csv = await engine.call('GET', '/reports/customers', { as: 'lead', headers: { accept: 'text/csv' } });
    const rows = parse(String(csv.body), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.name, row.externalRefs])).toEqual([
      ['Acme', `zendesk:${ORGANIZATION}`],
      ['Bolt', 'zendesk:900'],
    ]);
  });
});
