import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Instant } from '@app/clock';
import {
  type CustomerCommand,
  customerDecider,
  customerStanding,
  type CustomerState,
  customerStream,
  FIRST_RESPONSE_CLOCK,
  initialCustomerState,
  initialTicketState,
  type PlannedTimer,
  type TicketCommand,
  ticketDecider,
  type TicketState,
  ticketStream,
  timerPlan,
  type TimerKind,
  UPCASTERS,
} from '@app/domain';
import type { Actor, CommandMetadata, Decider } from '@app/kernel';
import {
  type EventStore,
  handleCommand,
  InMemoryEventStore,
  type NewEvent,
  SqliteEventStore,
  withUpcasting,
} from '@app/event-store';
import type { Channel, Plan, PolicyBook } from '@app/policy';
import { TIMER_ACTOR } from '@app/reactors';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Open tickets get no timer due within this long after the prefill, so that none fires while the benchmark runs. */
const QUIET_HORIZON_MS = 12 * HOUR_MS;
const OPEN_TICKET_SHARE = 0.1;
const EVENTS_PER_CUSTOMER = 150;
/** The mean number of events of a closed ticket in the mix below, to spread receipts evenly over the window. */
const MEAN_CLOSED_TICKET_EVENTS = 4.7;
const CLOSED_WINDOW = { fromDaysAgo: 120, toDaysAgo: 14 } as const;
const MAX_OPEN_TICKET_DRAWS = 20;

const CHANNELS_OF: Readonly<Record<Plan, readonly Channel[]>> = {
  standard: ['forum'],
  priority: ['forum', 'email'],
  premium: ['forum', 'email', 'phone'],
};

/** How far a closed ticket went before its first response: 30 % never alerted (POLICY §7 outcomes otherwise). */
type Course = 'no-alert' | 'at-risk' | 'breach' | 'escalation';
const COURSES: readonly (readonly [Course, number])[] = [
  ['no-alert', 0.3],
  ['at-risk', 0.35],
  ['breach', 0.2],
  ['escalation', 0.15],
];
const TIMER_COMMAND_OF = {
  'at-risk': 'RecordSlaAtRisk',
  breach: 'RecordSlaBreach',
  escalation: 'EscalateSlaBreach',
} as const satisfies Record<TimerKind, TicketCommand['type']>;
const LAST_TIMER_OF: Readonly<Record<Exclude<Course, 'no-alert'>, TimerKind>> = {
  'at-risk': 'at-risk',
  breach: 'breach',
  escalation: 'escalation',
};

/** A seeded generator, so that two runs fill the same mix. */
const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const iso = (ms: number): Instant => new Date(ms).toISOString();

interface HistoryCustomer {
  readonly customerId: string;
  readonly plan: Plan;
  readonly state: CustomerState;
}

export interface HistoryReport {
  readonly events: number;
  readonly customers: number;
  readonly tickets: number;
  readonly openTickets: number;
  /** Open tickets whose first-response clock still runs (the others were answered and await the customer). */
  readonly openTicketsWithRunningClock: number;
  readonly closedTicketsByCourse: Readonly<Record<Course, number>>;
  readonly pendingTimers: number;
  /** How long building and appending the history took. */
  readonly prefillSeconds: number;
}

interface OpenTicket {
  readonly receivedMs: number;
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly pendingTimers: number;
  readonly isClockRunning: boolean;
}

/**
 * One stream's commands, each run by `handleCommand` and the real deciders against an in-memory store as the API and
 * the timer workers would run them; `commit` then hands the stream's events to the benchmark's store in one append.
 */
class StagedStream<S> {
  private readonly staging: EventStore = withUpcasting(new InMemoryEventStore(), UPCASTERS);
  state: S;

  constructor(
    private readonly stream: string,
    initialState: S,
  ) {
    this.state = initialState;
  }

  async run<E extends { readonly type: string; readonly data: unknown }, R>(
    decider: Decider<S, E, R>,
    meta: CommandMetadata,
  ): Promise<void> {
    const outcome = await handleCommand(this.staging, this.stream, decider, meta);
    if (outcome.outcome === 'refused') throw outcome.refusal;
    this.state = outcome.state;
  }

  async events(): Promise<NewEvent[]> {
    const events: NewEvent[] = [];
    for await (const { id, type, data, metadata } of this.staging.readStream(this.stream)) {
      events.push({ id, type, data, metadata });
    }
    await this.staging.close();
    return events;
  }

  /** Appends the stream's events to `store` in one transaction; returns how many. */
  async commit(store: EventStore): Promise<number> {
    const events = await this.events();
    await store.append(this.stream, events, { expectedRevision: 'no-stream' });
    return events.length;
  }
}

const metaOf = (now: Instant, actor: Actor, commandId: string = randomUUID()): CommandMetadata => ({
  commandId,
  correlationId: commandId,
  actor,
  now,
});

const ADMIN: Actor = { id: 'admin-1', role: 'admin' };

/** Builds the history of a support desk through the domain and writes it to a SQLite file through the store port. */
export class History {
  private readonly random: () => number;
  private readonly customers: HistoryCustomer[] = [];
  private ticketsByCourse: Record<Course, number> = { 'no-alert': 0, 'at-risk': 0, breach: 0, escalation: 0 };

  constructor(
    private readonly policies: PolicyBook,
    private readonly nowMs: number,
    seed = 20171123,
  ) {
    this.random = seededRandom(seed);
  }

  /**
   * Fills `path` with `size` events or a few more (never fewer): customers first, then closed tickets received 120 to
   * 14 days ago in the mix of {@link COURSES}, in order of receipt, then one open ticket for every ten log events,
   * received recently, with the at-risk, breach and escalation outcomes that fell due before now already recorded.
   */
  async fill(path: string, size: number): Promise<HistoryReport> {
    const started = performance.now();
    const store = withUpcasting(SqliteEventStore.open(path, { synchronous: 'NORMAL' }), UPCASTERS);
    let events = 0;
    let tickets = 0;
    let openTicketsWithRunningClock = 0;
    let pendingTimers = 0;
    try {
      if (size === 0) return this.report(0, 0, 0, 0, 0, started);
      const customerCount = Math.max(20, Math.round(size / EVENTS_PER_CUSTOMER));
      for (let n = 0; n < customerCount; n++) events += await this.registerCustomer(store, n);
      const openTickets = Math.round(size * OPEN_TICKET_SHARE);
      const open: OpenTicket[] = [];
      for (let n = 0; n < openTickets; n++) open.push(await this.openTicket());
      const openEvents = open.reduce((sum, ticket) => sum + ticket.events.length, 0);
      const closedEstimate = Math.max(1, (size - events - openEvents) / MEAN_CLOSED_TICKET_EVENTS);
      const windowStart = this.nowMs - CLOSED_WINDOW.fromDaysAgo * DAY_MS;
      const windowEnd = this.nowMs - CLOSED_WINDOW.toDaysAgo * DAY_MS;
      const step = (windowEnd - windowStart) / closedEstimate;
      for (let n = 0; events + openEvents < size; n++) {
        const receivedMs = Math.min(windowEnd, windowStart + n * step + this.random() * step);
        events += await this.closedTicket(store, receivedMs);
        tickets++;
      }
      for (const ticket of open.sort((a, b) => a.receivedMs - b.receivedMs)) {
        await store.append(ticket.stream, ticket.events, { expectedRevision: 'no-stream' });
        events += ticket.events.length;
        pendingTimers += ticket.pendingTimers;
        if (ticket.isClockRunning) openTicketsWithRunningClock++;
        tickets++;
      }
      return this.report(events, tickets, openTickets, openTicketsWithRunningClock, pendingTimers, started);
    } finally {
      await store.close();
    }
  }

  /** The `TicketOpened` event the domain records for a ticket opened now: the row the bare baseline inserts. */
  async sampleTicketOpened(): Promise<NewEvent> {
    const customerId = randomUUID();
    const customer = new StagedStream<CustomerState>(customerStream(customerId), initialCustomerState);
    const now = iso(this.nowMs);
    const register: CustomerCommand = {
      type: 'RegisterCustomer',
      data: { customerId, name: 'Sample Co', licences: 25, plan: 'premium' },
      metadata: metaOf(now, ADMIN),
    };
    await customer.run(customerDecider(register, { policies: this.policies }), register.metadata);
    const ticketId = randomUUID();
    const ticket = new StagedStream<TicketState>(ticketStream(ticketId), initialTicketState);
    await this.runTicket(
      ticket,
      ticketId,
      { type: 'OpenTicket', data: { ticketId, customerId, channel: 'email', subject: 'Import fails on large files' } },
      now,
      { id: 'agent-1', role: 'agent' },
      customer.state,
    );
    const [opened] = await ticket.events();
    if (opened?.type !== 'TicketOpened') throw new Error('the domain opened no ticket');
    return opened;
  }

  private report(
    events: number,
    tickets: number,
    openTickets: number,
    openTicketsWithRunningClock: number,
    pendingTimers: number,
    started: number,
  ): HistoryReport {
    return {
      events,
      customers: this.customers.length,
      tickets,
      openTickets,
      openTicketsWithRunningClock,
      closedTicketsByCourse: { ...this.ticketsByCourse },
      pendingTimers,
      prefillSeconds: Number(((performance.now() - started) / 1_000).toFixed(1)),
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private between(fromMs: number, toMs: number): number {
    return fromMs + this.random() * (toMs - fromMs);
  }

  private agent(): Actor {
    return { id: `agent-${Math.floor(this.random() * 40)}`, role: 'agent' };
  }

  private async registerCustomer(store: EventStore, n: number): Promise<number> {
    const draw = this.random();
    const plan: Plan = draw < 0.5 ? 'standard' : draw < 0.8 ? 'priority' : 'premium';
    const licences = plan === 'standard' ? 1 + Math.floor(this.random() * 30) : 10 + Math.floor(this.random() * 190);
    const customerId = randomUUID();
    const stream = new StagedStream<CustomerState>(customerStream(customerId), initialCustomerState);
    const command: CustomerCommand = {
      type: 'RegisterCustomer',
      data: { customerId, name: `Customer ${n}`, licences, plan },
      metadata: metaOf(iso(this.nowMs - (CLOSED_WINDOW.fromDaysAgo + 1) * DAY_MS), ADMIN),
    };
    await stream.run(customerDecider(command, { policies: this.policies }), command.metadata);
    this.customers.push({ customerId, plan, state: stream.state });
    return stream.commit(store);
  }

  private async runTicket(
    ticket: StagedStream<TicketState>,
    ticketId: string,
    { type, data }: Pick<TicketCommand, 'type' | 'data'>,
    now: Instant,
    actor: Actor,
    customer?: CustomerState,
    commandId?: string,
  ): Promise<void> {
    const meta = metaOf(now, actor, commandId);
    const command = { type, data: { ...data, ticketId }, metadata: meta } as TicketCommand;
    const context = customer
      ? { policies: this.policies, customer: customerStanding(customer) }
      : { policies: this.policies };
    await ticket.run(ticketDecider(command, context), meta);
  }

  private timersOf(state: TicketState): PlannedTimer[] {
    if (state.status === 'NotOpened') return [];
    const policy = this.policies.byVersion(state.clock.policyVersion);
    if (!policy) throw new Error(`policy version ${state.clock.policyVersion} is not in the book`);
    return timerPlan(state, policy).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  }

  /** Records, as a timer worker would at the instant each fell due, every outcome due at or before `untilMs`. */
  private async fireDue(ticket: StagedStream<TicketState>, ticketId: string, untilMs: number): Promise<void> {
    for (;;) {
      const next = this.timersOf(ticket.state)[0];
      if (!next || Date.parse(next.dueAt) > untilMs) return;
      await this.runTicket(
        ticket,
        ticketId,
        {
          type: TIMER_COMMAND_OF[next.kind],
          data: { ticketId, clockId: FIRST_RESPONSE_CLOCK, timerGeneration: next.timerGeneration },
        },
        next.dueAt,
        TIMER_ACTOR,
        undefined,
        next.timerId,
      );
    }
  }

  private async open(receivedMs: number): Promise<{ ticket: StagedStream<TicketState>; ticketId: string }> {
    const customer = this.pick(this.customers);
    const ticketId = randomUUID();
    const ticket = new StagedStream<TicketState>(ticketStream(ticketId), initialTicketState);
    const receivedAt = iso(receivedMs);
    await this.runTicket(
      ticket,
      ticketId,
      {
        type: 'OpenTicket',
        data: {
          ticketId,
          customerId: customer.customerId,
          channel: this.pick(CHANNELS_OF[customer.plan]),
          subject: `Question ${ticketId.slice(0, 8)}`,
          receivedAt,
        },
      },
      receivedAt,
      this.agent(),
      customer.state,
    );
    return { ticket, ticketId };
  }

  private course(): Course {
    let draw = this.random();
    for (const [course, share] of COURSES) {
      if (draw < share) return course;
      draw -= share;
    }
    return 'no-alert';
  }

  private async respond(ticket: StagedStream<TicketState>, ticketId: string, atMs: number): Promise<void> {
    await this.runTicket(ticket, ticketId, { type: 'RecordResponse', data: { ticketId } }, iso(atMs), this.agent());
  }

  private async closedTicket(store: EventStore, receivedMs: number): Promise<number> {
    const { ticket, ticketId } = await this.open(receivedMs);
    const dueMs = new Map(this.timersOf(ticket.state).map((timer) => [timer.kind, Date.parse(timer.dueAt)]));
    const due = (kind: TimerKind): number => {
      const at = dueMs.get(kind);
      if (at === undefined) throw new Error(`ticket ${ticketId} has no ${kind} timer`);
      return at;
    };
    const course = this.course();
    this.ticketsByCourse[course]++;
    let respondedMs: number;
    if (course === 'no-alert') {
      respondedMs = this.between(receivedMs, due('at-risk'));
    } else {
      await this.fireDue(ticket, ticketId, due(LAST_TIMER_OF[course]));
      respondedMs =
        course === 'at-risk'
          ? this.between(due('at-risk'), due('breach'))
          : course === 'breach'
            ? this.between(due('breach'), due('escalation'))
            : due('escalation') + this.between(0, 8 * HOUR_MS);
    }
    await this.respond(ticket, ticketId, respondedMs);
    let lastMs = respondedMs;
    if (this.random() < 0.5) {
      lastMs = respondedMs + this.between(10 * 60_000, DAY_MS);
      await this.respond(ticket, ticketId, lastMs);
    }
    const resolvedMs = lastMs + this.between(HOUR_MS, 2 * DAY_MS);
    if (resolvedMs >= this.nowMs) throw new Error(`ticket ${ticketId} would be resolved after now`);
    await this.runTicket(
      ticket,
      ticketId,
      { type: 'ResolveTicket', data: { ticketId } },
      iso(resolvedMs),
      this.agent(),
    );
    return ticket.commit(store);
  }

  /**
   * A ticket still open now, received in the last days (mostly the last one or two): its outcomes due so far are
   * recorded, and it is drawn again when a timer would fall due within {@link QUIET_HORIZON_MS}; one in ten was
   * answered already and awaits the customer.
   */
  private async openTicket(): Promise<OpenTicket> {
    const isAnswered = this.random() < 0.1;
    for (let draw = 0; ; draw++) {
      const receivedMs = this.nowMs - Math.min(30 * DAY_MS, -Math.log(1 - this.random()) * 1.5 * DAY_MS) - 60_000;
      const respondedMs = isAnswered ? this.between(receivedMs, this.nowMs) : this.nowMs;
      const { ticket, ticketId } = await this.open(receivedMs);
      await this.fireDue(ticket, ticketId, respondedMs);
      const stream = ticketStream(ticketId);
      if (isAnswered || draw === MAX_OPEN_TICKET_DRAWS) {
        await this.respond(ticket, ticketId, respondedMs);
        return { receivedMs, stream, events: await ticket.events(), pendingTimers: 0, isClockRunning: false };
      }
      const pending = this.timersOf(ticket.state);
      const next = pending[0];
      if (!next || Date.parse(next.dueAt) > this.nowMs + QUIET_HORIZON_MS) {
        return {
          receivedMs,
          stream,
          events: await ticket.events(),
          pendingTimers: pending.length,
          isClockRunning: true,
        };
      }
    }
  }
}
