import {
  decideLedger,
  emptyLedger,
  envelopesToApply,
  evolveLedger,
  type IngestEnvelope,
  type IngestLedgerEvent,
  InvalidCommand,
  parseIngestEnvelope,
  planEnvelope,
} from '@app/domain';
import { metadata, NOW } from '../test-support/commands';
import { aTicketOpened, fold, TICKET_ID } from '../test-support/ticket-builders';

const anEnvelope = (o: Partial<IngestEnvelope> = {}): IngestEnvelope => ({
  source: 'zendesk',
  sourceEventId: 'ev-1',
  type: 'ticket.received',
  occurredAt: '2026-12-04T22:00:00.000Z',
  ticketRef: '35436',
  customerRef: '10002',
  data: { subject: 'Import fails', channel: 'email' },
  ...o,
});

const ledgerOf = (events: readonly IngestLedgerEvent[]) => events.reduce(evolveLedger, emptyLedger);
const recorded = (envelope: IngestEnvelope): IngestLedgerEvent => ({
  type: 'IngestEnvelopeRecorded',
  data: { source: envelope.source, ticketRef: envelope.ticketRef, envelope, recordedAt: NOW },
});

describe('An ingest envelope, as received', () => {
  it('is kept in canonical form: a UTC instant and only the fields of the engine', () =>
    expect(
      parseIngestEnvelope({
        ...anEnvelope(),
        occurredAt: '2026-12-04T17:00:00-05:00',
        data: { subject: 'Import fails', channel: 'email', priority: 'high' },
      }),
    ).toEqual(anEnvelope()));

  it.each([
    ['type', { type: 'ticket.merged' }],
    ['occurredAt', { occurredAt: 'Friday' }],
    ['sourceEventId', { sourceEventId: '' }],
    ['data.channel', { data: { subject: 'x', channel: 'chat' } }],
  ])('is refused naming %s', (field, change) => {
    const result = parseIngestEnvelope({ ...anEnvelope(), ...change });
    expect(result).toBeInstanceOf(InvalidCommand);
    expect(result).toMatchObject({ field });
  });
});

describe('Ingest ledger, when empty', () => {
  it('records an envelope', () =>
    expect(
      decideLedger(
        { type: 'RecordIngestEnvelope', data: { envelope: anEnvelope() }, metadata: metadata() },
        emptyLedger,
      ),
    ).toEqual([recorded(anEnvelope())]));
});

describe('Ingest ledger, when the envelope is recorded', () => {
  const ledger = ledgerOf([recorded(anEnvelope())]);

  it('records nothing for the same sourceEventId again: a repeat is a duplicate', () =>
    expect(
      decideLedger(
        { type: 'RecordIngestEnvelope', data: { envelope: anEnvelope({ occurredAt: NOW }) }, metadata: metadata() },
        ledger,
      ),
    ).toEqual([]));

  it('records nothing for the same fact under another id: same type, same second of occurrence', () =>
    expect(
      decideLedger(
        {
          type: 'RecordIngestEnvelope',
          data: { envelope: anEnvelope({ sourceEventId: 'export:91', occurredAt: '2026-12-04T22:00:00.700Z' }) },
          metadata: metadata(),
        },
        ledger,
      ),
    ).toEqual([]));

  it.each([
    ['another type', { type: 'agent.replied' as const, data: {} }],
    ['another second', { occurredAt: '2026-12-04T22:00:01.000Z' }],
  ])('records an envelope of %s under another id', (_case, change) => {
    const envelope = anEnvelope({ sourceEventId: 'ev-2', ...change });
    expect(decideLedger({ type: 'RecordIngestEnvelope', data: { envelope }, metadata: metadata() }, ledger)).toEqual([
      recorded(envelope),
    ]);
  });

  it('parks it with the reason, and not twice for the same reason', () => {
    const outcome = { kind: 'park', reason: 'unknown-customer', detail: 'no customer' } as const;
    const command = {
      type: 'RecordIngestOutcome',
      data: { sourceEventId: 'ev-1', ticketId: TICKET_ID, outcome },
      metadata: metadata(),
    } as const;
    const parked = decideLedger(command, ledger);
    expect(parked).toEqual([
      {
        type: 'IngestEnvelopeParked',
        data: {
          source: 'zendesk',
          ticketRef: '35436',
          sourceEventId: 'ev-1',
          reason: 'unknown-customer',
          detail: 'no customer',
          parkedAt: NOW,
        },
      },
    ]);
    expect(decideLedger(command, ledgerOf([recorded(anEnvelope()), ...parked]))).toEqual([]);
  });

  it('applies it once: an applied envelope is never parked nor applied again', () => {
    const applied = decideLedger(
      {
        type: 'RecordIngestOutcome',
        data: { sourceEventId: 'ev-1', ticketId: TICKET_ID, outcome: { kind: 'applied' } },
        metadata: metadata(),
      },
      ledger,
    );
    expect(applied).toEqual([
      {
        type: 'IngestEnvelopeApplied',
        data: { source: 'zendesk', ticketRef: '35436', sourceEventId: 'ev-1', ticketId: TICKET_ID, appliedAt: NOW },
      },
    ]);
    const after = ledgerOf([recorded(anEnvelope()), ...applied]);
    expect(envelopesToApply(after)).toEqual([]);
    expect(
      decideLedger(
        {
          type: 'RecordIngestOutcome',
          data: {
            sourceEventId: 'ev-1',
            ticketId: TICKET_ID,
            outcome: { kind: 'park', reason: 'refused', detail: 'x' },
          },
          metadata: metadata(),
        },
        after,
      ),
    ).toEqual([]);
  });
});

describe('Ingest ledger, when envelopes arrived out of order', () => {
  it('gives them to apply in occurrence order', () => {
    const reply = anEnvelope({
      sourceEventId: 'ev-2',
      type: 'agent.replied',
      occurredAt: '2026-12-07T14:00:00.000Z',
      data: {},
    });
    const received = anEnvelope();
    expect(
      envelopesToApply(ledgerOf([recorded(reply), recorded(received)])).map((e) => e.envelope.sourceEventId),
    ).toEqual(['ev-1', 'ev-2']);
  });
});

describe('An envelope, planned onto the ticket', () => {
  const notOpened = fold([]);
  const open = fold([aTicketOpened()]);

  it('ticket.received opens the ticket at its occurrence, with its reference in the source', () =>
    expect(planEnvelope(anEnvelope(), TICKET_ID, notOpened, 'acme')).toEqual({
      kind: 'command',
      command: {
        type: 'OpenTicket',
        data: {
          ticketId: TICKET_ID,
          customerId: 'acme',
          channel: 'email',
          subject: 'Import fails',
          receivedAt: '2026-12-04T22:00:00.000Z',
          externalRef: { source: 'zendesk', externalId: '35436' },
        },
      },
    }));

  it('ticket.received for a customer no one holds the reference of is parked unknown-customer', () =>
    expect(planEnvelope(anEnvelope(), TICKET_ID, notOpened, null)).toMatchObject({
      kind: 'park',
      reason: 'unknown-customer',
    }));

  it('agent.replied is a response at its occurrence', () =>
    expect(
      planEnvelope(anEnvelope({ type: 'agent.replied', data: { by: 'agent 77' } }), TICKET_ID, open, null),
    ).toEqual({
      kind: 'command',
      command: {
        type: 'RecordResponse',
        data: { ticketId: TICKET_ID, respondedAt: '2026-12-04T22:00:00.000Z', by: 'agent 77' },
      },
    }));

  it('agent.replied before the ticket is received is parked ticket-not-received', () =>
    expect(planEnvelope(anEnvelope({ type: 'agent.replied', data: {} }), TICKET_ID, notOpened, null)).toMatchObject({
      kind: 'park',
      reason: 'ticket-not-received',
    }));

  it('ticket.solved resolves it at its occurrence', () =>
    expect(planEnvelope(anEnvelope({ type: 'ticket.solved', data: {} }), TICKET_ID, open, null)).toEqual({
      kind: 'command',
      command: { type: 'ResolveTicket', data: { ticketId: TICKET_ID, occurredAt: '2026-12-04T22:00:00.000Z' } },
    }));

  it.each(['customer.replied', 'ticket.reopened', 'ticket.channel_changed'] as const)(
    '%s is parked not-supported',
    (type) =>
      expect(planEnvelope(anEnvelope({ type, data: { channel: 'phone' } }), TICKET_ID, open, null)).toMatchObject({
        kind: 'park',
        reason: 'not-supported',
      }),
  );
});
