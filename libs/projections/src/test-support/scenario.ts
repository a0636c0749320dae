import { randomUUID } from 'node:crypto';
import type { Instant } from '@app/clock';
import {
  type CustomerCommand,
  type CustomerEvent,
  type CustomerState,
  customerStanding,
  customerStream,
  decideCustomer,
  DomainError,
  evolveCustomer,
  evolveTicket,
  initialCustomerState,
  initialTicketState,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
  ticketStream,
  decideTicket,
} from '@app/domain';
import type { EventStore, NewEvent, RecordedEvent } from '@app/event-store';
import type { PolicyBook } from '@app/policy';
import { bookOf, FIRST_POLICY } from '@app/domain/test-support/policies';

type Role = 'agent' | 'lead' | 'ops' | 'auditor' | 'admin' | 'system';

/** Command data without metadata: the scenario stamps the time, ids and actor. */
export type TicketCommandOf<T extends TicketCommand['type']> = Omit<Extract<TicketCommand, { type: T }>, 'metadata'>;
export type CustomerCommandOf<T extends CustomerCommand['type']> = Omit<
  Extract<CustomerCommand, { type: T }>,
  'metadata'
>;

interface Stream<S> {
  state: S;
  revision: number | null;
}

/**
 * Drives the deciders against a store opened as the engine opens it (`openEventStore`), as the command side does,
 * keeping each stream's state in memory: for tests and benchmarks of the read side. A refused command throws, so a
 * scenario never silently skips a step.
 */
export class Scenario {
  private readonly tickets = new Map<string, Stream<TicketState>>();
  private readonly customers = new Map<string, Stream<CustomerState>>();
  private sequence = 0;

  constructor(
    readonly store: EventStore,
    readonly policies: PolicyBook = bookOf(FIRST_POLICY),
  ) {}

  async customer(command: CustomerCommandOfAny, now: Instant, role: Role = 'admin'): Promise<RecordedEvent[]> {
    const stream = this.customers.get(command.data.customerId) ?? { state: initialCustomerState, revision: null };
    const decided = decideCustomer(
      { ...command, metadata: this.metadata(now, role) } as CustomerCommand,
      stream.state,
      {
        policies: this.policies,
      },
    );
    if (decided instanceof DomainError) throw decided;
    const recorded = await this.append(customerStream(command.data.customerId), stream, decided, now, role);
    stream.state = decided.reduce<CustomerState>(
      (state, event) => evolveCustomer(state, event as CustomerEvent),
      stream.state,
    );
    this.customers.set(command.data.customerId, stream);
    return recorded;
  }

  async ticket(command: TicketCommandOfAny, now: Instant, role: Role = 'agent'): Promise<RecordedEvent[]> {
    const stream = this.tickets.get(command.data.ticketId) ?? { state: initialTicketState, revision: null };
    const customerId =
      command.type === 'OpenTicket'
        ? command.data.customerId
        : stream.state.status === 'NotOpened'
          ? undefined
          : stream.state.customerId;
    const customer = customerId ? this.customers.get(customerId) : undefined;
    const decided = decideTicket({ ...command, metadata: this.metadata(now, role) } as TicketCommand, stream.state, {
      policies: this.policies,
      customer: customer ? customerStanding(customer.state) : null,
    });
    if (decided instanceof DomainError) throw decided;
    const recorded = await this.append(ticketStream(command.data.ticketId), stream, decided, now, role);
    stream.state = decided.reduce<TicketState>(
      (state, event) => evolveTicket(state, event as TicketEvent),
      stream.state,
    );
    this.tickets.set(command.data.ticketId, stream);
    return recorded;
  }

  ticketState(ticketId: string): TicketState {
    return this.tickets.get(ticketId)?.state ?? initialTicketState;
  }

  private metadata(now: Instant, role: Role) {
    this.sequence += 1;
    return {
      now,
      commandId: `command-${this.sequence}`,
      correlationId: `correlation-${this.sequence}`,
      actor: { id: `${role}-1`, role },
    };
  }

  private async append<S>(
    streamName: string,
    stream: Stream<S>,
    decided: readonly { type: string; data: unknown }[],
    now: Instant,
    role: Role,
  ): Promise<RecordedEvent[]> {
    if (decided.length === 0) return [];
    const events = decided.map(({ type, data }): NewEvent => ({
      id: randomUUID(),
      type,
      data,
      metadata: {
        correlationId: `correlation-${this.sequence}`,
        causationId: `command-${this.sequence}`,
        actor: { id: `${role}-1`, role },
        recordedAt: now,
      },
    }));
    const { nextExpectedRevision } = await this.store.append(streamName, events, {
      expectedRevision: stream.revision ?? 'no-stream',
    });
    const first = nextExpectedRevision - events.length + 1;
    stream.revision = nextExpectedRevision;
    const recorded: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamName, { fromRevision: first })) recorded.push(event);
    return recorded;
  }
}

type TicketCommandOfAny = { [T in TicketCommand['type']]: TicketCommandOf<T> }[TicketCommand['type']];
type CustomerCommandOfAny = { [T in CustomerCommand['type']]: CustomerCommandOf<T> }[CustomerCommand['type']];
