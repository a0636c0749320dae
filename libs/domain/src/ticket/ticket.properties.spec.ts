import {
  DEADLINE_EVENT_TYPES,
  decideTicket,
  endsFirstResponseWait,
  evolveTicket,
  initialTicketState,
  isAwaitingFirstResponse,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
  timerPlan,
} from '@app/domain';
import type { Plan } from '@app/policy';
import fc from 'fast-check';
import { aPolicyVersion, bookOf, FIRST_POLICY } from '../test-support/policies';
import { TICKET_ID, ticketContext } from '../test-support/ticket-builders';

const NEWER = aPolicyVersion((d) => {
  d.version = '2026-06-01';
  d.effectiveFrom = '2026-06-01T04:00:00.000Z';
  d.plans.premium.firstResponseAllowance = { businessHours: 2 };
  d.plans.standard.firstResponseAllowance = { businessDays: 3 };
  d.excessiveUse.relaxation = { mode: 'suspend' };
});
const BOOK = bookOf(FIRST_POLICY, NEWER);
const START = Date.parse('2026-01-05T12:00:00.000Z');

type Step =
  | {
      kind: 'command';
      type: Exclude<TicketCommand['type'], 'OpenTicket' | 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach'>;
      advanceMinutes: number;
      idSeed: number;
      amount: number;
    }
  | { kind: 'due-timer'; pick: number; isStale: boolean }
  | { kind: 'replayed-timer'; pick: number };

const CLOCK_COMMANDS = [
  'FlagCustomerFromTicket',
  'RelaxSla',
  'EndSlaRelaxation',
  'PauseSlaClockForTraining',
  'ResumeSlaClock',
  'OfferProfessionalServices',
  'BillProfessionalServices',
  'ExtendDeadline',
  'ReplanTicket',
] as const;
// Commands after which the clock stops: rarer, so that sequences reach their timers.
const CLOSING_COMMANDS = ['RecordResponse', 'MarkTicketOutOfScope', 'WaiveDeadline', 'ResolveTicket'] as const;
type CommandType = (typeof CLOCK_COMMANDS)[number] | (typeof CLOSING_COMMANDS)[number];

const commandStep = (types: readonly CommandType[]): fc.Arbitrary<Step> =>
  fc.record({
    kind: fc.constant('command' as const),
    type: fc.constantFrom(...types),
    advanceMinutes: fc.integer({ min: 0, max: 60 * 24 * 30 }),
    idSeed: fc.integer({ min: 0, max: 4 }),
    amount: fc.integer({ min: 1, max: 600 }),
  });

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: commandStep(CLOCK_COMMANDS), weight: 5 },
  { arbitrary: commandStep(CLOSING_COMMANDS), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('due-timer' as const), pick: fc.nat(), isStale: fc.boolean() }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('replayed-timer' as const), pick: fc.nat() }), weight: 2 },
);

const dataFor = (type: CommandType, amount: number): Record<string, unknown> => {
  switch (type) {
    case 'FlagCustomerFromTicket':
      return { reason: 'many basic questions' };
    case 'MarkTicketOutOfScope':
      return { category: 'beyond-plan' };
    case 'BillProfessionalServices':
      return { hours: (amount % 48) / 2 + 0.5 };
    case 'WaiveDeadline':
      return { reason: 'goodwill' };
    case 'ExtendDeadline':
      return { extensionMinutes: amount, reason: 'waiting for the customer' };
    default:
      return {};
  }
};

const ROLE: Partial<Record<CommandType, string>> = {
  WaiveDeadline: 'lead',
  ExtendDeadline: 'lead',
  ReplanTicket: 'admin',
};

const deadlineOf = (state: TicketState): string | null =>
  state.status !== 'NotOpened' && state.clock.status === 'Running' ? state.clock.deadline : null;

/** Plain JSON as the store requires: no undefined values, no class instances, no non-finite numbers. */
const isPlainJson = (value: unknown): boolean => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  return (
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.values(value as object).every(isPlainJson)
  );
};

const generationOf = (state: TicketState): number => (state.status === 'NotOpened' ? -1 : state.clock.timerGeneration);

/** Runs the steps from an opened ticket, returning every event appended; every command is decided without throwing. */
const run = (
  plan: Plan,
  isFlagged: boolean,
  isTrainingRequired: boolean,
  startOffsetMinutes: number,
  steps: Step[],
) => {
  const context = ticketContext({ policies: BOOK, customer: { plan, isFlagged, isTrainingRequired } });
  let now = START + startOffsetMinutes * 60_000;
  let sequence = 0;
  const meta = (role = 'agent', commandId?: string) => {
    sequence += 1;
    return {
      now: new Date(now).toISOString(),
      commandId: commandId ?? `c-${sequence}`,
      correlationId: `k-${sequence}`,
      actor: { id: `${role}-1`, role },
    };
  };
  const history: TicketEvent[] = [];
  let state: TicketState = initialTicketState;
  const apply = (command: TicketCommand): void => {
    const result = decideTicket(command, state, context);
    if (result instanceof Error) return;
    for (const event of result) {
      history.push(event);
      state = evolveTicket(state, event);
    }
  };
  apply({
    type: 'OpenTicket',
    data: { ticketId: TICKET_ID, customerId: 'acme', channel: 'forum', subject: 'Help' },
    metadata: meta(),
  });
  const firedTimers: TicketCommand[] = [];
  for (const s of steps) {
    if (s.kind === 'replayed-timer') {
      // A timer job delivered again (another worker, a retry), later than the first time.
      const fired = firedTimers[s.pick % Math.max(1, firedTimers.length)];
      if (fired) apply({ ...fired, metadata: meta('system') } as TicketCommand);
      continue;
    }
    if (s.kind === 'command') {
      now += s.advanceMinutes * 60_000;
      const data = { ticketId: TICKET_ID, ...dataFor(s.type, s.amount) };
      // A small pool of command ids makes retried commands (duplicates) frequent.
      apply({ type: s.type, data, metadata: meta(ROLE[s.type], `c-${s.type}-${s.idSeed}`) } as TicketCommand);
      continue;
    }
    if (state.status === 'NotOpened') continue;
    const policy = BOOK.byVersion(state.clock.policyVersion);
    const timers = policy ? timerPlan(state, policy) : [];
    const timer = timers[s.pick % Math.max(1, timers.length)];
    if (!timer) continue;
    now = Math.max(now, Date.parse(timer.dueAt));
    const type = { 'at-risk': 'RecordSlaAtRisk', breach: 'RecordSlaBreach', escalation: 'EscalateSlaBreach' } as const;
    const command = {
      type: type[timer.kind],
      data: {
        ticketId: TICKET_ID,
        clockId: timer.clockId,
        timerGeneration: s.isStale ? timer.timerGeneration - 1 : timer.timerGeneration,
      },
      metadata: meta('system'),
    } as TicketCommand;
    firedTimers.push(command);
    apply(command);
  }
  return history;
};

describe('Ticket decider, over random valid command sequences', () => {
  const scenario = fc.tuple(
    fc.constantFrom<Plan>('standard', 'priority', 'premium'),
    fc.boolean(),
    fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
    fc.integer({ min: 0, max: 60 * 24 * 200 }),
    fc.array(step, { minLength: 5, maxLength: 40 }),
  );

  it('keeps the invariants: one first response, one breach per clock, deadlines move only with a reason', () => {
    fc.assert(
      fc.property(scenario, ([plan, isFlagged, isTraining, offset, steps]) => {
        const history = run(plan, isFlagged, isTraining, offset, steps);
        expect(history[0]?.type).toBe('TicketOpened');
        const count = (predicate: (e: TicketEvent) => boolean) => history.filter(predicate).length;
        expect(count((e) => e.type === 'TicketResponded' && e.data.isFirstResponse)).toBeLessThanOrEqual(1);
        for (const type of ['SlaAtRisk', 'SlaBreached', 'SlaBreachEscalated'] as const) {
          expect(count((e) => e.type === type)).toBeLessThanOrEqual(1);
        }
        expect(history.every(isPlainJson)).toBe(true);
        let state: TicketState = initialTicketState;
        for (const event of history) {
          const next = evolveTicket(state, event);
          const [before, after] = [deadlineOf(state), deadlineOf(next)];
          if (after !== null && after !== before) expect(DEADLINE_EVENT_TYPES).toContain(event.type);
          expect(generationOf(next)).toBeGreaterThanOrEqual(generationOf(state));
          state = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('records a breach dated at the deadline it names, never after the clock stopped nor before it ran out', () => {
    fc.assert(
      fc.property(scenario, ([plan, isFlagged, isTraining, offset, steps]) => {
        let state: TicketState = initialTicketState;
        for (const event of run(plan, isFlagged, isTraining, offset, steps)) {
          if (event.type === 'SlaBreached') {
            expect(event.data.breachedAt).toBe(event.data.deadline);
            expect(Date.parse(event.data.detectedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(event.data.deadline));
            const clock = state.status === 'NotOpened' ? null : state.clock;
            expect(clock?.status === 'Running' || (clock?.status === 'Paused' && clock.deadline)).toBeTruthy();
          }
          state = evolveTicket(state, event);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('never has a ticket wait for its first response again once an event ended the wait', () => {
    fc.assert(
      fc.property(scenario, ([plan, isFlagged, isTraining, offset, steps]) => {
        let state: TicketState = initialTicketState;
        let hasEnded = false;
        for (const event of run(plan, isFlagged, isTraining, offset, steps)) {
          state = evolveTicket(state, event);
          hasEnded ||= endsFirstResponseWait(event);
          if (hasEnded) expect(isAwaitingFirstResponse(state)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('evolve is total: every event applied to every reachable state gives a state, never an exception', () => {
    fc.assert(
      fc.property(scenario, scenario, (a, b) => {
        const events = run(...a);
        const states = run(...b).reduce<TicketState[]>(
          (acc, event) => [...acc, evolveTicket(acc.at(-1) ?? initialTicketState, event)],
          [initialTicketState],
        );
        for (const state of states) {
          for (const event of events) expect(evolveTicket(state, event)).toHaveProperty('status');
          const unknown = { type: 'SomethingElse', data: {} } as unknown as TicketEvent;
          expect(evolveTicket(state, unknown)).toBe(state);
        }
      }),
      { numRuns: 40 },
    );
  });
});
