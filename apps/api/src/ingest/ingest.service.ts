import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  type CustomerEvent,
  customerStanding,
  type CustomerState,
  customerStream,
  decideLedger,
  DomainError,
  emptyLedger,
  envelopesToApply,
  evolveCustomer,
  evolveLedger,
  evolveTicket,
  INGEST_LEDGER_EVENT_TYPES,
  INGEST_LEDGER_PREFIX,
  type IngestEnvelope,
  type IngestLedger,
  type IngestLedgerCommand,
  type IngestLedgerEvent,
  type IngestOutcome,
  ingestLedgerStream,
  initialCustomerState,
  initialTicketState,
  InvalidCommand,
  parseIngestEnvelope,
  planEnvelope,
  type TicketCommand,
  ticketDecider,
  type TicketEvent,
  type TicketState,
  ticketStream,
} from '@app/domain';
import type { Actor } from '@app/kernel';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { CommandRunner } from '../commands/command-runner';
import { externalTicketId, ExternalRefsService } from '../external-refs/external-refs.service';
import { PolicyBookService } from '../policies/policy-book.service';

/** The namespace of the command ids derived from a source's event id. Never change it. */
const ENVELOPE_COMMAND_NAMESPACE = '9d7c1b3a-2e4f-5a6b-8c9d-0e1f2a3b4c5d';

export interface EnvelopeResult {
  readonly index: number;
  readonly sourceEventId: string | null;
  readonly ticketId: string | null;
  readonly status: 'applied' | 'duplicate' | 'parked' | 'pending' | 'invalid';
  readonly reason?: string;
  readonly detail?: string;
  readonly code?: string;
}

export interface LedgerItem {
  readonly source: string;
  readonly ticketRef: string;
  readonly ticketId: string;
  readonly sourceEventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly state: 'pending' | 'parked';
  readonly reason: string | null;
  readonly detail: string | null;
  readonly code: string | null;
}

/** Who sends: the key's actor and the request that carries the envelopes. */
export interface Sender {
  readonly actor: Actor;
  readonly correlationId: string;
}

const ledgerKey = (source: string, ticketRef: string): string => `${source}\n${ticketRef}`;

/**
 * Records envelopes in their ticket's ledger (once per source event id), then applies what can be applied, in
 * occurrence order, and parks the rest with its reason.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly runner: CommandRunner,
    private readonly book: PolicyBookService,
    private readonly refs: ExternalRefsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `source`: the only source these envelopes may name (the one whose secret signed them). */
  async ingest(source: string, raw: readonly unknown[], sender: Sender): Promise<readonly EnvelopeResult[]> {
    const results: (EnvelopeResult | IngestEnvelope)[] = [];
    const isNew = new Set<number>();
    const ledgers = new Map<string, { source: string; ticketRef: string }>();
    for (const [index, value] of raw.entries()) {
      const envelope = this.parse(value, source);
      if (envelope instanceof InvalidCommand) {
        results.push({
          index,
          sourceEventId: null,
          ticketId: null,
          status: 'invalid',
          detail: envelope.message,
          reason: envelope.field,
        });
        continue;
      }
      const appended = await this.decide(
        envelope.source,
        envelope.ticketRef,
        sender,
        `record:${envelope.sourceEventId}`,
        (metadata) => ({
          type: 'RecordIngestEnvelope',
          data: { envelope },
          metadata,
        }),
      );
      if (appended > 0) isNew.add(index);
      ledgers.set(ledgerKey(envelope.source, envelope.ticketRef), {
        source: envelope.source,
        ticketRef: envelope.ticketRef,
      });
      results.push(envelope);
    }
    const applied = new Map<string, IngestLedger | null>();
    for (const [key, { source: ledgerSource, ticketRef }] of ledgers) {
      applied.set(key, await this.applyOrReportPending(ledgerSource, ticketRef, sender));
    }
    return results.map((entry, index) => {
      if (!('sourceEventId' in entry) || 'status' in entry) return entry as EnvelopeResult;
      const ticketId = externalTicketId(entry.source, entry.ticketRef);
      const base = { index, sourceEventId: entry.sourceEventId, ticketId };
      if (!isNew.has(index)) return { ...base, status: 'duplicate' } as const;
      const recorded = applied.get(ledgerKey(entry.source, entry.ticketRef))?.get(entry.sourceEventId);
      if (!recorded) return { ...base, status: 'pending' } as const;
      if (recorded.state !== 'parked' || !recorded.park) return { ...base, status: recorded.state } as const;
      const { reason, detail, code } = recorded.park;
      return { ...base, status: 'parked', reason, detail, ...(code === undefined ? {} : { code }) } as const;
    });
  }

  /** Every envelope not applied, from every ledger, oldest occurrence first. */
  async parked(filter: { readonly source?: string; readonly reason?: string } = {}): Promise<readonly LedgerItem[]> {
    const ledgers = new Map<string, IngestLedger>();
    for await (const event of this.store.readAll({
      filter: { streamPrefixes: [INGEST_LEDGER_PREFIX], eventTypes: [...INGEST_LEDGER_EVENT_TYPES] },
    })) {
      ledgers.set(
        event.stream,
        evolveLedger(ledgers.get(event.stream) ?? emptyLedger, event as unknown as IngestLedgerEvent),
      );
    }
    return [...ledgers.values()]
      .flatMap((ledger) => envelopesToApply(ledger))
      .filter(
        ({ envelope, park }) =>
          (filter.source === undefined || envelope.source === filter.source) &&
          (filter.reason === undefined || park?.reason === filter.reason),
      )
      .sort((a, b) => Date.parse(a.envelope.occurredAt) - Date.parse(b.envelope.occurredAt))
      .map(({ envelope, state, park, recordedAt }) => ({
        source: envelope.source,
        ticketRef: envelope.ticketRef,
        ticketId: externalTicketId(envelope.source, envelope.ticketRef),
        sourceEventId: envelope.sourceEventId,
        type: envelope.type,
        occurredAt: envelope.occurredAt,
        recordedAt,
        state: state === 'parked' ? 'parked' : 'pending',
        reason: park?.reason ?? null,
        detail: park?.detail ?? null,
        code: park?.code ?? null,
      }));
  }

  /** Tries every envelope not applied again, of one ticket of a source or of all; returns those still waiting. */
  async retry(
    which: { readonly source?: string; readonly ticketRef?: string },
    sender: Sender,
  ): Promise<{ readonly applied: number; readonly waiting: readonly LedgerItem[] }> {
    const before = (await this.parked(which.source === undefined ? {} : { source: which.source })).filter(
      (item) => which.ticketRef === undefined || item.ticketRef === which.ticketRef,
    );
    const tickets = new Map(before.map((item) => [ledgerKey(item.source, item.ticketRef), item]));
    for (const { source, ticketRef } of tickets.values()) await this.apply(source, ticketRef, sender);
    const after = (await this.parked()).filter((item) => tickets.has(ledgerKey(item.source, item.ticketRef)));
    this.logger.log(
      `${sender.actor.id} retried ${before.length} waiting envelopes; ${before.length - after.length} applied`,
    );
    return { applied: before.length - after.length, waiting: after };
  }

  private parse(value: unknown, source: string): IngestEnvelope | InvalidCommand {
    const envelope = parseIngestEnvelope(value);
    if (envelope instanceof InvalidCommand) return envelope;
    if (envelope.source !== source)
      return new InvalidCommand('source', `must be ${source}, the source that signed the batch`);
    if (Date.parse(envelope.occurredAt) > Date.parse(this.clock.now()) + this.config.CLOCK_SKEW_TOLERANCE_MS) {
      return new InvalidCommand('occurredAt', 'must not be later than now by more than the clock skew tolerance');
    }
    return envelope;
  }

  /** The envelopes are recorded: a failure to apply them now leaves them pending, listed and retried later. */
  private async applyOrReportPending(source: string, ticketRef: string, sender: Sender): Promise<IngestLedger | null> {
    try {
      return await this.apply(source, ticketRef, sender);
    } catch (error) {
      this.logger.warn(`${source} ticket ${ticketRef}: recorded, applying failed, left pending: ${String(error)}`);
      return null;
    }
  }

  private async apply(source: string, ticketRef: string, sender: Sender): Promise<IngestLedger> {
    const ticketId = externalTicketId(source, ticketRef);
    for (const { envelope } of envelopesToApply(await this.ledger(source, ticketRef))) {
      const outcome = await this.applyOne(envelope, ticketId, sender);
      // Outcomes need no stable id: decideLedger already records each change of an envelope's state once.
      await this.decide(source, ticketRef, sender, `outcome:${envelope.sourceEventId}:${randomUUID()}`, (metadata) => ({
        type: 'RecordIngestOutcome',
        data: { sourceEventId: envelope.sourceEventId, ticketId, outcome },
        metadata,
      }));
    }
    return this.ledger(source, ticketRef);
  }

  private async applyOne(envelope: IngestEnvelope, ticketId: string, sender: Sender): Promise<IngestOutcome> {
    const ticket = await this.runner.load<TicketState, TicketEvent>(
      ticketStream(ticketId),
      initialTicketState,
      evolveTicket,
    );
    const customerId =
      envelope.type === 'ticket.received' && envelope.customerRef !== undefined
        ? await this.refs.customerOf(envelope.source, envelope.customerRef)
        : null;
    const plan = planEnvelope(envelope, ticketId, ticket, customerId);
    if (plan.kind !== 'command') return plan;
    const customer =
      customerId === null
        ? undefined
        : customerStanding(
            await this.runner.load<CustomerState, CustomerEvent>(
              customerStream(customerId),
              initialCustomerState,
              evolveCustomer,
            ),
          );
    // Derived from the source's event id: applying an envelope again appends nothing.
    const commandId = uuidv5(`${envelope.source}:${envelope.sourceEventId}`, ENVELOPE_COMMAND_NAMESPACE);
    const metadata = { now: this.clock.now(), commandId, correlationId: sender.correlationId, actor: sender.actor };
    const command = { ...plan.command, metadata } as TicketCommand;
    try {
      await this.runner.run(
        { ticketId },
        ticketStream(ticketId),
        ticketDecider(command, {
          policies: await this.book.current(),
          ...(customer === undefined ? {} : { customer }),
        }),
        metadata,
      );
      return { kind: 'applied' };
    } catch (error) {
      if (error instanceof DomainError)
        return { kind: 'park', reason: 'refused', detail: error.message, code: error.code };
      throw error;
    }
  }

  private ledger(source: string, ticketRef: string): Promise<IngestLedger> {
    return this.runner.load(ingestLedgerStream(source, ticketRef), emptyLedger, evolveLedger);
  }

  /** Runs a ledger command; returns how many events it appended. */
  private async decide(
    source: string,
    ticketRef: string,
    sender: Sender,
    purpose: string,
    command: (metadata: IngestLedgerCommand['metadata']) => IngestLedgerCommand,
  ): Promise<number> {
    const metadata = {
      now: this.clock.now(),
      commandId: uuidv5(`${source}:${ticketRef}:${purpose}`, ENVELOPE_COMMAND_NAMESPACE),
      correlationId: sender.correlationId,
      actor: sender.actor,
    };
    const decided = command(metadata);
    const accepted = await this.runner.run(
      { ticketId: externalTicketId(source, ticketRef) },
      ingestLedgerStream(source, ticketRef),
      {
        initialState: emptyLedger,
        evolve: evolveLedger,
        decide: (ledger: IngestLedger) => decideLedger(decided, ledger),
      },
      metadata,
    );
    return accepted.events.length;
  }
}
