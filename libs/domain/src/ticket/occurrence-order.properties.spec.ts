import {
  decideTicket,
  evolveTicket,
  initialTicketState,
  occurredAt,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
  timerPlan,
} from '@app/domain';
import fc from 'fast-check';
import { FIRST_POLICY } from '../test-support/policies';
import { anOpenTicket, TICKET_ID, ticketContext } from '../test-support/ticket-builders';

const RECEIVED = Date.parse('2026-11-30T14:00:00.000Z');
const MINUTE = 60_000;
const calendar = FIRST_POLICY.calendar;

type FactType = 'RelaxSla' | 'EndSlaRelaxation' | 'PauseSlaClockForTraining' | 'ResumeSlaClock' | 'ExtendDeadline';
interface Step {
  readonly type: FactType | 'RecordResponse';
  /** When the fact occurred, in minutes after the receipt: in or out of order. */
  readonly occurredAfter: number;
  /** How long after the previous step it is recorded. */
  readonly recordedAfter: number;
  readonly amount: number;
}

const step: fc.Arbitrary<Step> = fc.record({
  type: fc.constantFrom<Step['type']>(
    'RelaxSla',
    'EndSlaRelaxation',
    'PauseSlaClockForTraining',
    'ResumeSlaClock',
    'ExtendDeadline',
    'RecordResponse',
  ),
  occurredAfter: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  recordedAfter: fc.integer({ min: 0, max: 24 * 60 }),
  amount: fc.integer({ min: 1, max: 600 }),
});

const iso = (ms: number): string => new Date(ms).toISOString();

/** Decides the steps, firing every timer that is due after each of them; returns the events appended. */
const run = (steps: readonly Step[]): TicketEvent[] => {
  const context = ticketContext();
  const events: TicketEvent[] = [];
  let state: TicketState = initialTicketState;
  let now = RECEIVED;
  let sequence = 0;
  const apply = (command: TicketCommand) => {
    const decision = decideTicket(command, state, context);
    if (decision instanceof Error) return;
    events.push(...decision);
    state = decision.reduce(evolveTicket, state);
  };
  const meta = (role = 'lead') => ({
    now: iso(now),
    commandId: `c-${++sequence}`,
    correlationId: 'k',
    actor: { id: `${role}-1`, role },
  });
  apply({ ...anOpenTicket({ receivedAt: iso(RECEIVED) }), metadata: meta() });
  const fireDueTimers = () => {
    for (const timer of timerPlan(state, FIRST_POLICY)) {
      if (Date.parse(timer.dueAt) > now) continue;
      const type = {
        'at-risk': 'RecordSlaAtRisk',
        breach: 'RecordSlaBreach',
        escalation: 'EscalateSlaBreach',
      } as const;
      const data = { ticketId: TICKET_ID, clockId: timer.clockId, timerGeneration: timer.timerGeneration };
      apply({ type: type[timer.kind], data, metadata: meta('system') } as TicketCommand);
    }
  };
  for (const { type, occurredAfter, recordedAfter, amount } of steps) {
    now += recordedAfter * MINUTE;
    fireDueTimers();
    const at = iso(Math.min(now, RECEIVED + occurredAfter * MINUTE));
    const data =
      type === 'RecordResponse'
        ? { ticketId: TICKET_ID, respondedAt: at }
        : type === 'ExtendDeadline'
          ? { ticketId: TICKET_ID, occurredAt: at, extensionMinutes: amount, reason: 'logs' }
          : { ticketId: TICKET_ID, occurredAt: at };
    apply({ type, data, metadata: meta() } as TicketCommand);
    fireDueTimers();
  }
  return events;
};

/** A slow reference: the running intervals and allowance from the events alone, folded in occurrence order. */
const reference = (events: readonly TicketEvent[]) => {
  const facts = events
    .map((event, index) => ({ event, index, at: Date.parse(occurredAt(event)) }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const intervals: [number, number][] = [];
  let isRelaxed = false;
  let isPaused = false;
  let extensions = 0;
  let runningSince: number | null = RECEIVED;
  for (const { event, at } of facts) {
    const type = event.type;
    const isStop = type === 'TicketResponded' && event.data.isFirstResponse;
    if (
      !isStop &&
      ![
        'SlaRelaxed',
        'SlaRelaxationEnded',
        'SlaClockPausedForTraining',
        'SlaClockResumed',
        'DeadlineExtended',
      ].includes(type)
    )
      continue;
    if (runningSince !== null && at > runningSince) intervals.push([runningSince, at]);
    runningSince = null;
    if (isStop) return { intervals, allowance: 240 * (isRelaxed ? 2 : 1) + extensions, isOpen: false };
    if (type === 'SlaRelaxed') isRelaxed = true;
    if (type === 'SlaRelaxationEnded') isRelaxed = false;
    if (type === 'SlaClockPausedForTraining') isPaused = true;
    if (type === 'SlaClockResumed') isPaused = false;
    if (event.type === 'DeadlineExtended') extensions += event.data.extensionMinutes;
    runningSince = isPaused ? null : Math.max(at, RECEIVED);
  }
  if (runningSince !== null) intervals.push([runningSince, Infinity]);
  return { intervals, allowance: 240 * (isRelaxed ? 2 : 1) + extensions, isOpen: runningSince !== null };
};

const runningMinutesBetween = (intervals: readonly [number, number][], from: number, to: number): number =>
  intervals.reduce((sum, [start, end]) => {
    const [a, b] = [Math.max(start, from), Math.min(end, to)];
    return b > a ? sum + calendar.supportMinutesBetween(iso(a), iso(b)) : sum;
  }, 0);

describe('Ticket clock, over random facts recorded late and out of order', () => {
  it('given a relaxation recorded after one that began and ended later, when the first response falls inside it, then the response stops the relaxed allowance', () => {
    const events = run([
      { type: 'RelaxSla', occurredAfter: 241, recordedAfter: 241, amount: 1 },
      { type: 'EndSlaRelaxation', occurredAfter: 241, recordedAfter: 0, amount: 1 },
      { type: 'RelaxSla', occurredAfter: 0, recordedAfter: 0, amount: 1 },
      { type: 'RecordResponse', occurredAfter: 240, recordedAfter: 0, amount: 1 },
    ]);
    const state = events.reduce(evolveTicket, initialTicketState);
    expect(state.status === 'NotOpened' ? undefined : state.clock.allowanceMinutes).toBe(480);
    expect(reference(events).allowance).toBe(480);
  });

  it('has its deadline at the earliest instant the running support time reaches the current allowance', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const events = run(steps);
        const state = events.reduce(evolveTicket, initialTicketState);
        if (state.status === 'NotOpened' || state.clock.deadline === undefined) return;
        const { intervals, allowance } = reference(events);
        const deadline = Date.parse(state.clock.deadline);
        expect(state.clock.allowanceMinutes).toBe(allowance);
        expect(runningMinutesBetween(intervals, RECEIVED, deadline)).toBeCloseTo(allowance, 6);
        expect(runningMinutesBetween(intervals, RECEIVED, deadline - MINUTE)).toBeLessThan(allowance);
      }),
      { numRuns: 300 },
    );
  });

  it('gives a missed first response a missedBy equal to the running support time after its deadline', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const events = run(steps);
        const firsts = events.filter(
          (event): event is Extract<TicketEvent, { type: 'TicketResponded' }> =>
            event.type === 'TicketResponded' && event.data.isFirstResponse,
        );
        const last = firsts.at(-1);
        if (last?.data.isFirstResponse !== true || last.data.outcome !== 'missed' || !last.data.deadline) return;
        const { intervals } = reference(events.slice(0, events.indexOf(last) + 1));
        const missed = runningMinutesBetween(
          intervals,
          Date.parse(last.data.deadline),
          Date.parse(last.data.respondedAt),
        );
        expect(last.data.missedByMinutes).toBeCloseTo(missed, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('retracts exactly the breaches that a response dated at or before them disproves', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const events = run(steps);
        const state = events.reduce(evolveTicket, initialTicketState);
        if (state.status === 'NotOpened') return;
        const breaches = events.filter((event) => event.type === 'SlaBreached');
        const retracted = events.filter((event) => event.type === 'SlaBreachRetracted');
        const { breach } = state.clock;
        const { firstResponseAt } = state;
        if (breach && firstResponseAt)
          expect(Date.parse(firstResponseAt)).toBeGreaterThan(Date.parse(breach.breachedAt));
        expect(breaches.length - retracted.length).toBe(breach ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });
});
