import {
  elapsedMinutesAt,
  InvalidCommand,
  occurredAt,
  ReceiptBeyondHorizon,
  type TicketEvent,
  type TicketState,
  timerPlan,
} from '@app/domain';
import { at } from '../test-support/commands';
import { aPolicyVersion, bookOf, FIRST_POLICY } from '../test-support/policies';
import {
  anOpenTicket,
  aTicketCommand,
  aTicketOpened,
  decided,
  fold,
  ticketContext,
  ticketSpec,
} from '../test-support/ticket-builders';

// Premium ticket received Monday 2026-11-30 10:00 Eastern: 240 support minutes, due 14:00 (19:00Z).
const opened = aTicketOpened();
const DEADLINE = '2026-11-30T19:00:00.000Z';
const timer = (type: 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach', now: string, generation = 0) =>
  aTicketCommand(type, { clockId: 'first-response', timerGeneration: generation }, { now, role: 'system' });
const clockOf = (events: readonly TicketEvent[]) => {
  const state = fold(events) as Exclude<TicketState, { status: 'NotOpened' }>;
  return state.clock;
};
const overdueAt = (events: readonly TicketEvent[], now: string): number => {
  const clock = clockOf(events);
  return elapsedMinutesAt(clock, FIRST_POLICY.calendar, now) - clock.allowanceMinutes;
};

describe('Rule: a deadline is when the running support time reaches the current allowance, never "now"', () => {
  it('dates the deadline in the past when a relaxation ends on an allowance already used up', () => {
    const relaxed = decided([opened], aTicketCommand('RelaxSla', {}, { now: at('2026-11-30T10:00-05:00') }));
    const cleared = decided(relaxed, aTicketCommand('EndSlaRelaxation', {}, { now: at('2026-12-01T17:00-05:00') }));
    expect(clockOf(cleared)).toMatchObject({ status: 'Running', deadline: DEADLINE, allowanceMinutes: 240 });
    // Monday 14:00–18:00 and Tuesday 07:30–17:00: 240 + 570 support minutes overdue
    expect(overdueAt(cleared, at('2026-12-01T17:00-05:00'))).toBeCloseTo(810, 6);
  });

  it('keeps the deadline where it ran out when training completes on an exhausted clock', () => {
    const paused = decided(
      [opened],
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T15:00-05:00') }),
    );
    const resumed = decided(paused, aTicketCommand('ResumeSlaClock', {}, { now: at('2026-12-02T10:00-05:00') }));
    expect(clockOf(paused)).toMatchObject({ status: 'Paused', deadline: DEADLINE, elapsedMinutes: 300 });
    expect(clockOf(resumed)).toMatchObject({ status: 'Running', deadline: DEADLINE });
    // 60 minutes before the pause, and 60 since the resumption: overdue by the support time the clock ran since
    expect(overdueAt(resumed, at('2026-12-02T11:00-05:00'))).toBeCloseTo(120, 6);
  });

  it('dates the deadline in the past when a re-plan gives an allowance already used up', () => {
    const tighter = aPolicyVersion((document) => {
      document.version = '2026-12-01';
      document.effectiveFrom = '2026-12-01T00:00:00.000Z';
      document.plans.premium.firstResponseAllowance = { businessHours: 1 };
    });
    const context = ticketContext({ policies: bookOf(FIRST_POLICY, tighter) });
    const given = [aTicketOpened({ receivedAt: at('2026-12-01T08:00-05:00'), deadline: at('2026-12-01T12:00-05:00') })];
    const { result } = ticketSpec(given, context).when(
      aTicketCommand('ReplanTicket', {}, { now: at('2026-12-01T10:00-05:00'), role: 'admin' }),
    );
    expect(result).toMatchObject([
      {
        type: 'TicketReplanned',
        data: { sla: { status: 'Running', allowanceMinutes: 60, deadline: at('2026-12-01T09:00-05:00') } },
      },
    ]);
  });

  it('gives a late response a missedBy equal to the support time between the deadline and the response', () => {
    const relaxed = decided([opened], aTicketCommand('RelaxSla', {}));
    const cleared = decided(relaxed, aTicketCommand('EndSlaRelaxation', {}, { now: at('2026-11-30T16:00-05:00') }));
    const { result } = ticketSpec(cleared).when(
      aTicketCommand('RecordResponse', {}, { now: at('2026-11-30T17:00-05:00') }),
    );
    expect(result).toMatchObject([{ data: { outcome: 'missed', deadline: DEADLINE, missedByMinutes: 180 } }]);
  });

  it('keeps a recorded breach when an extension moves the deadline past now', () => {
    const breached = decided([opened], timer('RecordSlaBreach', at('2026-11-30T14:30-05:00')));
    const extended = decided(
      breached,
      aTicketCommand(
        'ExtendDeadline',
        { extensionMinutes: 120, reason: 'logs' },
        { now: at('2026-11-30T14:30-05:00'), role: 'lead' },
      ),
    );
    expect(extended.map((event) => event.type)).toEqual(['TicketOpened', 'SlaBreached', 'DeadlineExtended']);
    expect(clockOf(extended)).toMatchObject({
      status: 'Running',
      deadline: at('2026-11-30T16:00-05:00'),
      breach: { deadline: DEADLINE, breachedAt: DEADLINE },
    });
  });
});

describe('Rule: outcomes are dated when they fell due, and carry when they were detected', () => {
  it('dates a breach detected the next day at its deadline', () => {
    const { result } = ticketSpec([opened]).when(timer('RecordSlaBreach', at('2026-12-01T09:00-05:00')));
    expect(result).toMatchObject([
      {
        type: 'SlaBreached',
        data: { breachedAt: DEADLINE, deadline: DEADLINE, detectedAt: at('2026-12-01T09:00-05:00') },
      },
    ]);
  });

  it('dates an escalation one business hour after the deadline, whenever detected', () => {
    const breached = decided([opened], timer('RecordSlaBreach', at('2026-12-01T09:00-05:00')));
    const { result } = ticketSpec(breached).when(timer('EscalateSlaBreach', at('2026-12-01T09:00-05:00')));
    expect(result).toMatchObject([
      { data: { escalatedAt: at('2026-11-30T15:00-05:00'), detectedAt: at('2026-12-01T09:00-05:00') } },
    ]);
  });

  it('records no at-risk warning once the deadline has passed: the breach says it all', () =>
    ticketSpec([opened])
      .when(timer('RecordSlaAtRisk', at('2026-11-30T14:00-05:00')))
      .then([]));

  it('dates an at-risk warning detected late, before the deadline, at 75 % of the allowance', () => {
    const { result } = ticketSpec([opened]).when(timer('RecordSlaAtRisk', at('2026-11-30T13:30-05:00')));
    expect(result).toMatchObject([
      { data: { atRiskAt: at('2026-11-30T13:00-05:00'), detectedAt: at('2026-11-30T13:30-05:00') } },
    ]);
  });

  it('still plans the breach of a clock paused after its allowance ran out', () => {
    const paused = decided(
      [opened],
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T15:00-05:00') }),
    );
    expect(timerPlan(fold(paused), FIRST_POLICY)).toMatchObject([
      { kind: 'breach', dueAt: DEADLINE, timerGeneration: 1 },
    ]);
    const { result } = ticketSpec(paused).when(timer('RecordSlaBreach', at('2026-11-30T15:00-05:00'), 1));
    expect(result).toMatchObject([{ type: 'SlaBreached', data: { breachedAt: DEADLINE } }]);
  });
});

describe('Rule: facts carry when they occurred, and are folded in occurrence order', () => {
  it('judges a response by when it was made, not when it was recorded', () => {
    const { result } = ticketSpec([opened]).when(
      aTicketCommand(
        'RecordResponse',
        { respondedAt: at('2026-11-30T12:05-05:00') },
        { now: at('2026-11-30T16:00-05:00') },
      ),
    );
    expect(result).toMatchObject([
      {
        data: {
          respondedAt: at('2026-11-30T12:05-05:00'),
          outcome: 'met',
          businessMinutesTaken: 125,
          missedByMinutes: 0,
        },
      },
    ]);
  });

  it('refuses a fact dated before the ticket was received, naming the field', () => {
    ticketSpec([opened])
      .when(aTicketCommand('RecordResponse', { respondedAt: at('2026-11-30T09:59-05:00') }))
      .thenRefused(InvalidCommand, { field: 'respondedAt' });
    ticketSpec([opened])
      .when(aTicketCommand('ResolveTicket', { occurredAt: at('2026-11-30T09:00-05:00') }))
      .thenRefused(InvalidCommand, { field: 'occurredAt' });
  });

  it('takes the earliest response as the first, whatever the order they are recorded in', () => {
    const late = decided([opened], aTicketCommand('RecordResponse', {}, { now: at('2026-11-30T16:00-05:00') }));
    const early = decided(
      late,
      aTicketCommand(
        'RecordResponse',
        { respondedAt: at('2026-11-30T11:00-05:00') },
        { now: at('2026-11-30T16:05-05:00') },
      ),
    );
    expect(early.at(-1)).toMatchObject({ data: { isFirstResponse: true, outcome: 'met' } });
    expect(fold(early)).toMatchObject({ firstResponseAt: at('2026-11-30T11:00-05:00') });
  });

  it('pauses from its receipt a backdated ticket of a customer already in training (POLICY §4)', () => {
    const customer = { isTrainingRequired: true, trainingRequiredAt: at('2026-11-30T09:00-05:00') };
    const { result } = ticketSpec([], ticketContext({ customer })).when(
      anOpenTicket({ receivedAt: at('2026-11-30T10:00-05:00'), now: at('2026-11-30T16:00-05:00') }),
    );
    expect(result).toMatchObject([
      { type: 'TicketOpened' },
      {
        type: 'SlaClockPausedForTraining',
        data: { pausedAt: at('2026-11-30T10:00-05:00'), remainingMinutes: 240, sla: { elapsedMinutes: 0 } },
      },
    ]);
  });

  it('counts support time from receipt until training was required for a backdated ticket (POLICY §4)', () => {
    const customer = { isTrainingRequired: true, trainingRequiredAt: at('2026-11-30T11:00-05:00') };
    const { result } = ticketSpec([], ticketContext({ customer })).when(
      anOpenTicket({ receivedAt: at('2026-11-30T10:00-05:00'), now: at('2026-11-30T16:00-05:00') }),
    );
    expect(result).toMatchObject([
      { type: 'TicketOpened' },
      { type: 'SlaClockPausedForTraining', data: { pausedAt: at('2026-11-30T11:00-05:00'), remainingMinutes: 180 } },
    ]);
  });

  it('dates every event on the occurrence axis', () => {
    const events = decided([opened], aTicketCommand('RecordResponse', { respondedAt: at('2026-11-30T11:00-05:00') }));
    expect(events.map(occurredAt)).toEqual([opened.data.receivedAt, at('2026-11-30T11:00-05:00')]);
  });

  it('refuses a receipt beyond the calendar horizon with a policy refusal', () =>
    ticketSpec([])
      .when(anOpenTicket({ receivedAt: '2018-01-08T15:00:00.000Z', now: '2038-06-01T15:00:00.000Z' }))
      .thenRefused(ReceiptBeyondHorizon, { kind: 'policy-refusal', horizonYears: 20 }));
});

describe('Rule: late evidence corrects, never rewrites', () => {
  const breached = decided([opened], timer('RecordSlaBreach', at('2026-11-30T14:00-05:00')));
  const escalated = decided(breached, timer('EscalateSlaBreach', at('2026-11-30T15:00-05:00')));

  it('retracts a recorded breach and escalation when a response dated before the deadline is recorded after them', () => {
    const { result } = ticketSpec(escalated).when(
      aTicketCommand(
        'RecordResponse',
        { respondedAt: at('2026-11-30T13:30-05:00') },
        { now: at('2026-11-30T16:00-05:00') },
      ),
    );
    const evidence = { type: 'TicketResponded', occurredAt: at('2026-11-30T13:30-05:00') };
    expect(result).toMatchObject([
      { type: 'TicketResponded', data: { outcome: 'met' } },
      {
        type: 'SlaEscalationRetracted',
        causedBy: 0,
        data: { evidence, escalatedAt: at('2026-11-30T15:00-05:00'), recipients: ['manager'] },
      },
      {
        type: 'SlaBreachRetracted',
        causedBy: 0,
        data: {
          evidence,
          breachedAt: DEADLINE,
          recipients: ['ops', 'lead'],
          retractedAt: at('2026-11-30T16:00-05:00'),
        },
      },
    ]);
    expect(clockOf([...escalated, ...(result as TicketEvent[])])).toMatchObject({ breach: null, escalatedAt: null });
  });

  it('retracts only the escalation when the response came after the deadline but before the escalation', () => {
    const { result } = ticketSpec(escalated).when(
      aTicketCommand(
        'RecordResponse',
        { respondedAt: at('2026-11-30T14:30-05:00') },
        { now: at('2026-11-30T16:00-05:00') },
      ),
    );
    expect((result as TicketEvent[]).map((event) => event.type)).toEqual(['TicketResponded', 'SlaEscalationRetracted']);
    expect(result).toMatchObject([{ data: { outcome: 'missed', missedByMinutes: 30 } }, {}]);
  });

  it('retracts a breach when a training requirement dated before the deadline reaches the ticket after it', () => {
    const { result } = ticketSpec(breached).when(
      aTicketCommand(
        'PauseSlaClockForTraining',
        { occurredAt: at('2026-11-30T11:00-05:00') },
        { now: at('2026-11-30T14:30-05:00') },
      ),
    );
    expect(result).toMatchObject([
      { type: 'SlaClockPausedForTraining', data: { pausedAt: at('2026-11-30T11:00-05:00'), remainingMinutes: 180 } },
      { type: 'SlaBreachRetracted', data: { evidence: { type: 'SlaClockPausedForTraining' } } },
    ]);
  });

  it('retracts nothing for a fact that occurred after the outcome', () => {
    const { result } = ticketSpec(breached).when(
      aTicketCommand('RecordResponse', {}, { now: at('2026-11-30T16:00-05:00') }),
    );
    expect((result as TicketEvent[]).map((event) => event.type)).toEqual(['TicketResponded']);
  });
});
