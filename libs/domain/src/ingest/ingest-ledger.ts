import type { Instant } from '@app/clock';
import type { Command, DomainEvent } from '@app/kernel';
import { assertNever } from '../domain-error';
import type { TicketCommand } from '../ticket/ticket.commands';
import type { TicketState } from '../ticket/ticket.state';
import type { IngestEnvelope } from './ingest.envelope';

/** Why an envelope waits: a person can fix the first two; the others need the source or the engine to change. */
export type ParkReason = 'unknown-customer' | 'ticket-not-received' | 'not-supported' | 'refused';

export type IngestEnvelopeRecorded = DomainEvent<
  'IngestEnvelopeRecorded',
  { source: string; ticketRef: string; envelope: IngestEnvelope; recordedAt: Instant }
>;
export type IngestEnvelopeApplied = DomainEvent<
  'IngestEnvelopeApplied',
  { source: string; ticketRef: string; sourceEventId: string; ticketId: string; appliedAt: Instant }
>;
/** `code`: the refusal's code when the domain refused the envelope's command. */
export type IngestEnvelopeParked = DomainEvent<
  'IngestEnvelopeParked',
  {
    source: string;
    ticketRef: string;
    sourceEventId: string;
    reason: ParkReason;
    detail: string;
    code?: string;
    parkedAt: Instant;
  }
>;
export type IngestLedgerEvent = IngestEnvelopeRecorded | IngestEnvelopeApplied | IngestEnvelopeParked;
export const INGEST_LEDGER_EVENT_TYPES: readonly IngestLedgerEvent['type'][] = [
  'IngestEnvelopeRecorded',
  'IngestEnvelopeApplied',
  'IngestEnvelopeParked',
];

export type RecordIngestEnvelope = Command<'RecordIngestEnvelope', { envelope: IngestEnvelope }>;
export type RecordIngestOutcome = Command<
  'RecordIngestOutcome',
  { sourceEventId: string; ticketId: string; outcome: IngestOutcome }
>;
export type IngestLedgerCommand = RecordIngestEnvelope | RecordIngestOutcome;

export interface LedgerEntry {
  readonly envelope: IngestEnvelope;
  readonly state: 'pending' | 'applied' | 'parked';
  readonly park: { readonly reason: ParkReason; readonly detail: string; readonly code?: string } | null;
  readonly recordedAt: Instant;
}

/** Every envelope of one ticket of one source, by `sourceEventId`, in the order recorded. */
export type IngestLedger = ReadonlyMap<string, LedgerEntry>;
export const emptyLedger: IngestLedger = new Map();

const withEntry = (ledger: IngestLedger, id: string, entry: LedgerEntry): IngestLedger =>
  new Map(ledger).set(id, entry);

export const evolveLedger = (ledger: IngestLedger, event: IngestLedgerEvent): IngestLedger => {
  switch (event.type) {
    case 'IngestEnvelopeRecorded': {
      const { envelope, recordedAt } = event.data;
      if (ledger.has(envelope.sourceEventId)) return ledger;
      return withEntry(ledger, envelope.sourceEventId, { envelope, state: 'pending', park: null, recordedAt });
    }
    case 'IngestEnvelopeApplied': {
      const entry = ledger.get(event.data.sourceEventId);
      return entry ? withEntry(ledger, event.data.sourceEventId, { ...entry, state: 'applied', park: null }) : ledger;
    }
    case 'IngestEnvelopeParked': {
      const entry = ledger.get(event.data.sourceEventId);
      if (!entry || entry.state === 'applied') return ledger;
      const { reason, detail, code } = event.data;
      return withEntry(ledger, event.data.sourceEventId, {
        ...entry,
        state: 'parked',
        park: { reason, detail, ...(code === undefined ? {} : { code }) },
      });
    }
    default:
      return assertNever(event, ledger);
  }
};

const occurrenceSecond = (instant: Instant): number => Math.floor(Date.parse(instant) / 1_000);

/**
 * Whether two envelopes of one ticket report the same fact: the same type in the same second of occurrence. One fact
 * reaches the engine through two channels under two ids (a Zendesk webhook event and the same comment in Zendesk's
 * history export), and Zendesk dates its export to the second.
 */
export const isSameFact = (a: IngestEnvelope, b: IngestEnvelope): boolean =>
  a.type === b.type && occurrenceSecond(a.occurredAt) === occurrenceSecond(b.occurredAt);

/**
 * Records an envelope not seen before (`[]` for a repeat of its id, or of a fact already recorded under another id),
 * or the outcome of applying one that is not applied yet.
 */
export const decideLedger = (command: IngestLedgerCommand, ledger: IngestLedger): readonly IngestLedgerEvent[] => {
  switch (command.type) {
    case 'RecordIngestEnvelope': {
      const { envelope } = command.data;
      if (ledger.has(envelope.sourceEventId)) return [];
      for (const entry of ledger.values()) if (isSameFact(entry.envelope, envelope)) return [];
      const { source, ticketRef } = envelope;
      return [
        { type: 'IngestEnvelopeRecorded', data: { source, ticketRef, envelope, recordedAt: command.metadata.now } },
      ];
    }
    case 'RecordIngestOutcome': {
      const { sourceEventId, ticketId, outcome } = command.data;
      const entry = ledger.get(sourceEventId);
      if (!entry || entry.state === 'applied') return [];
      const { source, ticketRef } = entry.envelope;
      if (outcome.kind === 'applied') {
        return [
          {
            type: 'IngestEnvelopeApplied',
            data: { source, ticketRef, sourceEventId, ticketId, appliedAt: command.metadata.now },
          },
        ];
      }
      const { reason, detail, code } = outcome;
      if (entry.park?.reason === reason && entry.park.code === code) return [];
      return [
        {
          type: 'IngestEnvelopeParked',
          data: {
            source,
            ticketRef,
            sourceEventId,
            reason,
            detail,
            ...(code === undefined ? {} : { code }),
            parkedAt: command.metadata.now,
          },
        },
      ];
    }
    default:
      return assertNever(command, []);
  }
};

/** The envelopes still to apply, in occurrence order (then as recorded): a ticket's facts fold as they happened. */
export const envelopesToApply = (ledger: IngestLedger): readonly LedgerEntry[] =>
  [...ledger.values()]
    .filter((entry) => entry.state !== 'applied')
    .sort((a, b) => Date.parse(a.envelope.occurredAt) - Date.parse(b.envelope.occurredAt));

/** A ticket command as the edge completes it with metadata. */
export type PlannedTicketCommand = Pick<TicketCommand, 'type' | 'data'>;

export type IngestOutcome =
  | { readonly kind: 'applied' }
  | { readonly kind: 'park'; readonly reason: ParkReason; readonly detail: string; readonly code?: string };

export type EnvelopePlan = { readonly kind: 'command'; readonly command: PlannedTicketCommand } | IngestOutcome;

const park = (reason: ParkReason, detail: string): EnvelopePlan => ({ kind: 'park', reason, detail });

/**
 * The ticket command an envelope becomes, or why it waits. `customerId` is the customer its `customerRef` names,
 * `null` when no customer holds that reference; only `ticket.received` needs it.
 */
export const planEnvelope = (
  envelope: IngestEnvelope,
  ticketId: string,
  ticket: TicketState,
  customerId: string | null,
): EnvelopePlan => {
  const { type, data, occurredAt, source, ticketRef } = envelope;
  if (type === 'ticket.received') {
    if (customerId === null) {
      return park(
        'unknown-customer',
        envelope.customerRef === undefined
          ? 'the envelope names no customerRef'
          : `no customer has externalRefs.${source} = ${envelope.customerRef}`,
      );
    }
    return {
      kind: 'command',
      command: {
        type: 'OpenTicket',
        data: {
          ticketId,
          customerId,
          channel: data.channel as NonNullable<IngestEnvelope['data']['channel']>,
          subject: data.subject as string,
          ...(data.service === undefined ? {} : { service: data.service }),
          receivedAt: occurredAt,
          externalRef: { source, externalId: ticketRef },
        },
      },
    };
  }
  if (type === 'customer.replied' || type === 'ticket.reopened' || type === 'ticket.channel_changed') {
    return park('not-supported', `the engine records no ${type}: the first-response policy does not depend on it`);
  }
  if (ticket.status === 'NotOpened')
    return park('ticket-not-received', `${source} ticket ${ticketRef} is not received yet`);
  switch (type) {
    case 'agent.replied':
      return {
        kind: 'command',
        command: {
          type: 'RecordResponse',
          data: { ticketId, respondedAt: occurredAt, ...(data.by === undefined ? {} : { by: data.by }) },
        },
      };
    case 'ticket.solved':
      return ticket.status === 'Resolved'
        ? { kind: 'applied' }
        : {
            kind: 'command',
            command: {
              type: 'ResolveTicket',
              data: { ticketId, occurredAt, ...(data.note === undefined ? {} : { note: data.note }) },
            },
          };
    default:
      return assertNever(type, park('not-supported', `unknown type ${String(type)}`));
  }
};
