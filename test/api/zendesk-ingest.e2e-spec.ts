import { createHmac } from 'node:crypto';
import ticketCreated from './fixtures/zendesk/ticket-created.json';
import commentAdded from './fixtures/zendesk/comment-added.json';
import { type Engine, KEYS, ROLES, startEngine } from './support/engine';
import { eventually } from '@app/clock/test-support/eventually';

/** Monday 2026-12-07, 19:00 in Toronto. */
const NOW = '2026-12-08T00:00:00.000Z';
const SECRET = 'zendesk-webhook-secret-0123456789';
const INGEST_SECRET = 'canonical-ingest-secret-0123456789';
const INTEGRATION_KEY = 'integration-key-0123456789abcdef';
const ORGANIZATION = '8447346622462';

const zendeskSignature = (timestamp: string, body: string): string =>
  createHmac('sha256', SECRET).update(`${timestamp}${body}`).digest('base64');

/** The documented ticket.created example, as a ticket received Friday 2026-12-04 at 19:00 in Toronto. */
const created = (o: { id?: string; ticket?: string; organization?: string } = {}) => ({
  ...ticketCreated,
  id: o.id ?? 'created-1',
  time: '2026-12-05T00:00:00Z',
  subject: `zen:ticket:${o.ticket ?? '35436'}`,
  detail: {
    ...ticketCreated.detail,
    id: o.ticket ?? '35436',
    organization_id: o.organization ?? ORGANIZATION,
    created_at: '2026-12-05T00:00:00Z',
    subject: 'Import fails on large files',
  },
});

/** The documented ticket.comment_added example, written Monday 2026-12-07 at 10:00 in Toronto. */
const comment = (
  o: { id?: string; ticket?: string; isPublic?: boolean; isStaff?: boolean; createdAt?: string } = {},
) => ({
  ...commentAdded,
  id: o.id ?? 'comment-1',
  time: o.createdAt ?? '2026-12-07T15:00:00Z',
  detail: { ...commentAdded.detail, id: o.ticket ?? '35436' },
  event: {
    comment: {
      ...commentAdded.event.comment,
      is_public: o.isPublic ?? true,
      author: { ...commentAdded.event.comment.author, is_staff: o.isStaff ?? true },
      created_at: o.createdAt ?? '2026-12-07T15:00:00Z',
    },
  },
});

describe('Zendesk feeding the engine, over HTTP', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({
      now: NOW,
      env: {
        API_KEYS: [
          ...ROLES.map((role) => `${role}1:${role}:${KEYS[role]}`),
          `zendesk:integration:${INTEGRATION_KEY}`,
        ].join(','),
        ZENDESK_WEBHOOK_SECRET: SECRET,
        INGEST_SECRETS: `acme-desk=${INGEST_SECRET}`,
      },
    });
  });

  afterEach(() => engine.close());

  const deliver = (payload: unknown, o: { timestamp?: string; signature?: string } = {}) => {
    const body = JSON.stringify(payload);
    const timestamp = o.timestamp ?? NOW.replace('.000', '');
    return engine.call('POST', '/ingest/zendesk', {
      body,
      headers: {
        authorization: `Bearer ${INTEGRATION_KEY}`,
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': o.signature ?? zendeskSignature(timestamp, body),
      },
    });
  };

  const customer = async (externalRefs: Record<string, string> = { zendesk: ORGANIZATION }): Promise<string> => {
    const answer = await engine.call('POST', '/customers', {
      as: 'admin',
      body: { name: 'Acme', licences: 20, plan: 'premium', ...(externalRefs ? { externalRefs } : {}) },
    });
    expect(answer.status).toBe(201);
    return String(answer.json.id);
  };

  const ticketOf = async (ref: string) => {
    const found = await engine.call('GET', `/tickets?externalRef=zendesk:${ref}`, { as: 'auditor' });
    return (found.json.items as Record<string, unknown>[])[0];
  };

  it('opens a ticket created on a Friday evening with the premium deadline of Monday 11:30', async () => {
    const customerId = await customer();
    const answer = await deliver(created());
    expect(answer.status).toBe(200);
    expect(answer.json.result).toMatchObject({ status: 'applied' });
    expect(await ticketOf('35436')).toMatchObject({
      customerId,
      channel: 'forum',
      receivedAt: '2026-12-05T00:00:00.000Z',
      externalRef: { source: 'zendesk', externalId: '35436' },
      firstResponseDueAt: '2026-12-07T16:30:00.000Z',
      allowanceMinutes: 240,
    });
  });

  it('takes a public staff comment delivered hours late as the first response at its own time, retracting the breach', async () => {
    await customer();
    await deliver(created());
    const ticketId = String((await ticketOf('35436'))?.id);
    await eventually(async () => {
      const ticket = await engine.call('GET', `/tickets/${ticketId}`, { as: 'auditor' });
      expect((ticket.json.sla as { breachedAt: string | null }).breachedAt).toEqual(expect.any(String));
    });
    const answer = await deliver(comment());
    expect(answer.json.result).toMatchObject({ status: 'applied', ticketId });
    const ticket = await engine.call('GET', `/tickets/${ticketId}`, { as: 'auditor' });
    expect(ticket.json).toMatchObject({ firstResponseAt: '2026-12-07T15:00:00.000Z' });
    const history = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    const types = (history.json as unknown as { events: { type: string }[] }).events.map((event) => event.type);
    expect(types).toContain('SlaBreachRetracted');
    expect(types.filter((type) => type === 'TicketResponded')).toHaveLength(1);
  });

  it('does not count a private comment nor an end-user comment as a response', async () => {
    await customer();
    await deliver(created());
    expect((await deliver(comment({ id: 'private', isPublic: false }))).json.result).toEqual({
      status: 'ignored',
      reason: 'private-comment',
    });
    expect((await deliver(comment({ id: 'end-user', isStaff: false }))).json.result).toMatchObject({
      status: 'parked',
      reason: 'not-supported',
    });
    expect(await ticketOf('35436')).toMatchObject({ firstResponseAt: null });
  });

  it('answers a repeated delivery duplicate and appends nothing', async () => {
    await customer();
    await deliver(created());
    await deliver(comment());
    const ticketId = String((await ticketOf('35436'))?.id);
    const before = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    const again = await deliver(comment());
    expect(again.json.result).toMatchObject({ status: 'duplicate' });
    const after = await engine.call('GET', `/tickets/${ticketId}/history`, { as: 'auditor' });
    expect(after.json).toEqual(before.json);
  });

  it('parks a comment delivered before its ticket, then applies it when the ticket arrives', async () => {
    await customer();
    expect((await deliver(comment())).json.result).toMatchObject({ status: 'parked', reason: 'ticket-not-received' });
    const parked = await engine.call('GET', '/ingest/parked', { as: 'ops' });
    expect(parked.json.items).toEqual([
      expect.objectContaining({ sourceEventId: 'comment-1', reason: 'ticket-not-received' }),
    ]);
    expect((await deliver(created())).json.result).toMatchObject({ status: 'applied' });
    expect(await ticketOf('35436')).toMatchObject({ firstResponseAt: '2026-12-07T15:00:00.000Z' });
    expect((await engine.call('GET', '/ingest/parked', { as: 'ops' })).json.items).toEqual([]);
  });

  it.each([
    ['a bad signature', { signature: 'AAAA' }],
    ['a timestamp six minutes old', { timestamp: '2026-12-07T23:54:00Z' }],
  ])('refuses %s with 401 problem+json and records nothing', async (_case, tampering) => {
    await customer();
    const answer = await deliver(created(), tampering);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(answer.json).toMatchObject({ code: 'bad-signature' });
    expect(await ticketOf('35436')).toBeUndefined();
  });

  it('parks a ticket of an unknown organization and applies it after the reference is set and retried', async () => {
    const customerId = await customer({});
    expect((await deliver(created())).json.result).toMatchObject({ status: 'parked', reason: 'unknown-customer' });
    const set = await engine.call('PUT', `/customers/${customerId}/external-refs/zendesk`, {
      as: 'admin',
      body: { externalId: ORGANIZATION },
    });
    expect(set.json).toMatchObject({ externalRefs: { zendesk: ORGANIZATION } });
    const found = await engine.call('GET', `/customers?externalRef=zendesk:${ORGANIZATION}`, { as: 'auditor' });
    expect(found.json.items).toEqual([expect.objectContaining({ id: customerId })]);
    const retried = await engine.call('POST', '/ingest/parked/retry', { as: 'ops', body: { all: true } });
    expect(retried.json).toEqual({ applied: 1, waiting: [] });
    expect(await ticketOf('35436')).toMatchObject({ customerId });
  });

  it('refuses a reference another customer holds', async () => {
    await customer();
    const other = await customer({});
    const taken = await engine.call('PUT', `/customers/${other}/external-refs/zendesk`, {
      as: 'admin',
      body: { externalId: ORGANIZATION },
    });
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({ code: 'external-ref-taken' });
  });

  it('takes canonical envelopes signed by their source, each applied once, in occurrence order', async () => {
    await customer({ 'acme-desk': 'org-7' });
    const events = [
      {
        source: 'acme-desk',
        sourceEventId: 'r1',
        type: 'agent.replied',
        occurredAt: '2026-12-07T15:00:00Z',
        ticketRef: 'T-9',
        data: { by: 'bob' },
      },
      {
        source: 'acme-desk',
        sourceEventId: 'o1',
        type: 'ticket.received',
        occurredAt: '2026-12-05T00:00:00Z',
        ticketRef: 'T-9',
        customerRef: 'org-7',
        data: { subject: 'Crash', channel: 'email' },
      },
      {
        source: 'acme-desk',
        sourceEventId: 'bad',
        type: 'ticket.merged',
        occurredAt: '2026-12-05T00:00:00Z',
        ticketRef: 'T-9',
      },
    ];
    const body = JSON.stringify({ events });
    const timestamp = String(Date.parse(NOW) / 1000);
    const signature = `sha256=${createHmac('sha256', INGEST_SECRET).update(`${timestamp}\nacme-desk\n${body}`).digest('hex')}`;
    const post = () =>
      engine.call('POST', '/ingest/events', {
        body,
        headers: {
          authorization: `Bearer ${INTEGRATION_KEY}`,
          'x-ingest-source': 'acme-desk',
          'x-ingest-timestamp': timestamp,
          'x-ingest-signature': signature,
        },
      });
    const first = await post();
    expect(first.status).toBe(200);
    expect((first.json.results as { status: string }[]).map(({ status }) => status)).toEqual([
      'applied',
      'applied',
      'invalid',
    ]);
    const again = await post();
    expect((again.json.results as { status: string }[]).map(({ status }) => status)).toEqual([
      'duplicate',
      'duplicate',
      'invalid',
    ]);
    const ticket = (await engine.call('GET', '/tickets?externalRef=acme-desk:T-9', { as: 'auditor' })).json
      .items as unknown[];
    expect(ticket).toEqual([expect.objectContaining({ firstResponseAt: '2026-12-07T15:00:00.000Z' })]);
    const unsigned = await engine.call('POST', '/ingest/events', { as: 'admin', body });
    expect(unsigned.status).toBe(401);
  });
});
