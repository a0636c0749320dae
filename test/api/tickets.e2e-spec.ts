import { eventually } from '@app/clock/test-support/eventually';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { type Answer, type Engine, type Role, startEngine } from './support/engine';

const MONDAY_10H_TORONTO = '2026-11-30T15:00:00.000Z';

describe('tickets over HTTP (POLICY §1 to §6)', () => {
  let engine: Engine;

  beforeEach(async () => {
    engine = await startEngine({ now: '2026-12-31T12:00:00.000Z' });
  });

  afterEach(() => engine.close());

  const customer = async (plan: string, licences = 25): Promise<string> => {
    const { json } = await engine.call('POST', '/customers', { as: 'admin', body: { name: 'Acme', licences, plan } });
    return String(json.id);
  };

  const open = (body: Record<string, unknown>, as: Role = 'agent'): Promise<Answer> =>
    engine.call('POST', '/tickets', { as, body: { subject: 'Import fails', ...body } });

  // POLICY §3 worked examples: plan, received (Toronto), deadline in UTC and in Toronto, allowance in support minutes.
  const WORKED_EXAMPLES: [string, string, string, string, number][] = [
    ['premium', '2026-11-30T10:00:00-05:00', '2026-11-30T19:00:00.000Z', '2026-11-30T14:00:00.000-05:00', 240],
    ['premium', '2026-12-04T17:00:00-05:00', '2026-12-07T15:30:00.000Z', '2026-12-07T10:30:00.000-05:00', 240],
    ['priority', '2026-11-30T06:00:00-05:00', '2026-11-30T23:00:00.000Z', '2026-11-30T18:00:00.000-05:00', 630],
    ['priority', '2026-12-05T12:00:00-05:00', '2026-12-07T23:00:00.000Z', '2026-12-07T18:00:00.000-05:00', 630],
    ['standard', '2026-11-30T10:00:00-05:00', '2026-12-02T15:00:00.000Z', '2026-12-02T10:00:00.000-05:00', 1260],
    ['standard', '2026-12-24T10:00:00-05:00', '2026-12-29T15:00:00.000Z', '2026-12-29T10:00:00.000-05:00', 1260],
    ['premium', '2026-03-06T17:00:00-05:00', '2026-03-09T14:30:00.000Z', '2026-03-09T10:30:00.000-04:00', 240],
  ];

  it.each(WORKED_EXAMPLES)(
    'opens a %s ticket received %s: 201, due %s (%s local), allowance %d',
    async (plan, receivedAt, due, local, allowance) => {
      engine.clock?.set(new Date(receivedAt).toISOString());
      const customerId = await customer(plan);
      const opened = await open({ customerId, channel: 'forum', receivedAt });
      expect(opened.status).toBe(201);
      expect(opened.json).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        plan,
        policyVersion: '2017-11-23',
        firstResponseDueAt: due,
        firstResponseDueLocal: local,
        timeZone: 'America/Toronto',
        allowanceMinutes: allowance,
        status: 'Open',
      });
      const shown = await engine.call('GET', `/tickets/${String(opened.json.id)}`, { as: 'auditor' });
      expect(shown.json).toEqual(opened.json);
    },
  );

  it('takes the received time from the clock when the request does not give it', async () => {
    engine.clock?.set(MONDAY_10H_TORONTO);
    const opened = await open({ customerId: await customer('premium'), channel: 'forum' });
    expect(opened.json).toMatchObject({
      receivedAt: MONDAY_10H_TORONTO,
      firstResponseDueAt: '2026-11-30T19:00:00.000Z',
    });
  });

  it('relaxes the allowance of the new tickets of a flagged customer and pauses them while training is required (POLICY §4)', async () => {
    engine.clock?.set(MONDAY_10H_TORONTO);
    const customerId = await customer('premium');
    await engine.call('POST', `/customers/${customerId}/flag`, { as: 'agent', body: { reason: 'Excessive requests' } });
    const relaxed = await open({ customerId, channel: 'email' });
    expect(relaxed.json).toMatchObject({
      allowanceMinutes: 480,
      firstResponseDueAt: '2026-11-30T23:00:00.000Z',
      sla: { status: 'Running', relaxation: { mode: 'extend', factor: 2 } },
    });
    await engine.call('POST', `/customers/${customerId}/training/required`, { as: 'lead', body: {} });
    const paused = await open({ customerId, channel: 'email' });
    expect(paused.json).toMatchObject({
      firstResponseDueAt: null,
      sla: { status: 'Paused', isPausedForTraining: true },
    });
    await engine.call('POST', `/customers/${customerId}/training/completed`, { as: 'lead', body: {} });
    await engine.call('POST', `/customers/${customerId}/flag/clear`, { as: 'lead', body: {} });
    const normal = await open({ customerId, channel: 'email' });
    expect(normal.json).toMatchObject({ allowanceMinutes: 240, firstResponseDueAt: '2026-11-30T19:00:00.000Z' });
  });

  it('refuses a channel the plan does not cover with 422 naming the covered channels', async () => {
    const refused = await open({ customerId: await customer('standard'), channel: 'email' });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: 'channel-not-covered', coveredChannels: ['forum'] });
    expect(String(refused.json.detail)).toContain('forum');
  });

  it('opens a request through an uncovered channel out of scope when the customer pays for it (POLICY §5)', async () => {
    const opened = await open({ customerId: await customer('standard'), channel: 'phone', isPaidAssistance: true });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({
      status: 'OutOfScope',
      firstResponseDueAt: null,
      outOfScope: { category: 'beyond-plan' },
    });
  });

  it('opens data-migration work of a non-premium customer out of scope, with no deadline', async () => {
    const opened = await open({ customerId: await customer('priority'), channel: 'email', service: 'data-migration' });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({
      status: 'OutOfScope',
      firstResponseDueAt: null,
      outOfScope: { category: 'beyond-plan' },
    });
  });

  it('refuses an unknown customer with 404 and bad fields with 400', async () => {
    const unknown = await open({ customerId: '6b0d2a4e-1c3f-4a5b-9c7d-8e9f0a1b2c3d', channel: 'forum' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('customer-not-found');
    const bad = await open({ customerId: 'x', channel: 'fax', receivedAt: 'yesterday', priority: 'high' });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('invalid-request');
  });

  it('records responses: the first one meets or misses the deadline, later ones are not first', async () => {
    engine.clock?.set('2026-12-01T15:00:00.000Z');
    const customerId = await customer('premium');
    const { json: ticket } = await open({ customerId, channel: 'email', receivedAt: '2026-11-30T10:00:00-05:00' });
    const first = await engine.call('POST', `/tickets/${String(ticket.id)}/responses`, {
      as: 'agent',
      body: { by: 'alice' },
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ isFirstResponse: true, outcome: 'missed', respondedBy: 'alice' });
    const second = await engine.call('POST', `/tickets/${String(ticket.id)}/responses`, { as: 'lead', body: {} });
    expect(second.json).toMatchObject({ isFirstResponse: false, respondedBy: 'lead1' });
    expect((second.json.ticket as { firstResponseAt: string }).firstResponseAt).toBe(engine.clock?.now());
  });

  it('gives two agents answering at once exactly one first response', async () => {
    const customerId = await customer('premium');
    const { json: ticket } = await open({ customerId, channel: 'email' });
    const answers = await Promise.all(
      ['agent', 'lead', 'admin', 'agent'].map((as) =>
        engine.call('POST', `/tickets/${String(ticket.id)}/responses`, { as: as as Role, body: {} }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(answers.filter((a) => a.json.isFirstResponse === true)).toHaveLength(1);
  });

  it('lets a lead waive a deadline and refuses an agent with 403 (POLICY §6)', async () => {
    const { json: ticket } = await open({ customerId: await customer('premium'), channel: 'email' });
    const path = `/tickets/${String(ticket.id)}/waiver`;
    const byAgent = await engine.call('POST', path, { as: 'agent', body: { reason: 'Customer on holiday' } });
    expect(byAgent.status).toBe(403);
    expect(byAgent.json).toMatchObject({ code: 'not-allowed', role: 'agent' });
    const byLead = await engine.call('POST', path, { as: 'lead', body: { reason: 'Customer on holiday' } });
    expect(byLead.status).toBe(200);
    expect(byLead.json).toMatchObject({
      firstResponseDueAt: null,
      sla: { status: 'Stopped', stoppedBecause: 'waived' },
    });
  });

  it('extends a deadline by support minutes with a reason', async () => {
    engine.clock?.set(MONDAY_10H_TORONTO);
    const { json: ticket } = await open({ customerId: await customer('premium'), channel: 'email' });
    const extended = await engine.call('POST', `/tickets/${String(ticket.id)}/extensions`, {
      as: 'lead',
      body: { extensionMinutes: 60, reason: 'Waiting for logs' },
    });
    expect(extended.status).toBe(201);
    expect(extended.json).toMatchObject({ firstResponseDueAt: '2026-11-30T20:00:00.000Z', allowanceMinutes: 300 });
  });

  it('marks out of scope, then offers and bills professional services at the version rate (POLICY §5)', async () => {
    const { json: ticket } = await open({ customerId: await customer('premium'), channel: 'email' });
    const base = `/tickets/${String(ticket.id)}`;
    const early = await engine.call('POST', `${base}/professional-services/billed`, {
      as: 'agent',
      body: { hours: 1 },
    });
    expect(early.status).toBe(422);
    expect(early.json.code).toBe('billing-not-allowed');
    const unknownCategory = await engine.call('POST', `${base}/out-of-scope`, {
      as: 'agent',
      body: { category: 'hardware' },
    });
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.json.code).toBe('unknown-out-of-scope-category');
    const marked = await engine.call('POST', `${base}/out-of-scope`, {
      as: 'agent',
      body: { category: 'beyond-plan', note: 'Custom report design' },
    });
    expect(marked.json).toMatchObject({
      status: 'OutOfScope',
      sla: { status: 'Stopped', stoppedBecause: 'out-of-scope' },
    });
    const offered = await engine.call('POST', `${base}/professional-services/offer`, { as: 'agent', body: {} });
    expect(offered.json.isProfessionalServicesOffered).toBe(true);
    const billed = await engine.call('POST', `${base}/professional-services/billed`, {
      as: 'agent',
      body: { hours: 2.5 },
    });
    expect(billed.status).toBe(201);
    const tooMany = await engine.call('POST', `${base}/professional-services/billed`, {
      as: 'agent',
      body: { hours: 30 },
    });
    expect(tooMany.status).toBe(400);
  });

  it('flags the customer from a ticket: the ticket records it, the customer is flagged, the ticket relaxed, each event names its actor', async () => {
    const customerId = await customer('premium');
    const { json: ticket } = await open({ customerId, channel: 'email' });
    const flagged = await engine.call('POST', `/tickets/${String(ticket.id)}/flag-customer`, {
      as: 'agent',
      body: { reason: 'Fifth question on the same documented topic' },
    });
    expect(flagged.status).toBe(200);
    const shown = await engine.call('GET', `/customers/${customerId}`, { as: 'agent' });
    expect(shown.json.flag).toMatchObject({
      reason: 'Fifth question on the same documented topic',
      flaggedBy: 'agent1',
    });
    const store = engine.app.get<EventStore>(EVENT_STORE);
    const recorded = async (): Promise<unknown[]> => {
      const events = [];
      for await (const event of store.readAll({
        filter: { streamPrefixes: [`ticket-${String(ticket.id)}`, `customer-${customerId}`] },
      })) {
        events.push([event.type, event.metadata.actor]);
      }
      return events;
    };
    await eventually(
      async () =>
        expect(await recorded()).toEqual([
          ['CustomerRegistered', { id: 'admin1', role: 'admin' }],
          ['TicketOpened', { id: 'agent1', role: 'agent' }],
          ['TicketCustomerFlaggedExcessive', { id: 'agent1', role: 'agent' }],
          ['CustomerFlaggedForExcessiveRequests', { id: 'agent1', role: 'agent' }],
          ['SlaRelaxed', { id: 'agent1', role: 'agent' }],
        ]),
      10_000,
      50,
    );
  });

  it('resolves a ticket, after which responses are refused with 409', async () => {
    const { json: ticket } = await open({ customerId: await customer('premium'), channel: 'email' });
    const resolved = await engine.call('POST', `/tickets/${String(ticket.id)}/resolve`, {
      as: 'agent',
      body: { note: 'Fixed' },
    });
    expect(resolved.json).toMatchObject({ status: 'Resolved', resolvedAt: engine.clock?.now() });
    const late = await engine.call('POST', `/tickets/${String(ticket.id)}/responses`, { as: 'agent', body: {} });
    expect(late.status).toBe(409);
    expect(late.json.code).toBe('ticket-resolved');
  });

  it('answers 404 for an unknown ticket', async () => {
    const unknown = await engine.call('GET', '/tickets/6b0d2a4e-1c3f-4a5b-9c7d-8e9f0a1b2c3d', { as: 'agent' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('ticket-not-found');
    const respond = await engine.call('POST', '/tickets/6b0d2a4e-1c3f-4a5b-9c7d-8e9f0a1b2c3d/responses', {
      as: 'agent',
      body: {},
    });
    expect(respond.status).toBe(404);
  });
});
