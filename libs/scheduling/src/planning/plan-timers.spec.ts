import fc from 'fast-check';
import { DateTime } from 'luxon';
import { type PlanningCalendar, planTimers, type RunningClock } from './plan-timers';

/** Every minute counts: a 24/7 support calendar. */
const allHours: PlanningCalendar = { addBusinessMinutes: (start, minutes) => start.plus({ minutes }) };

/** Monday to Friday, all day: enough to see that planning goes through the calendar, not plain time. */
const weekdays: PlanningCalendar = {
  addBusinessMinutes: (start, minutes) => {
    let at = start.setZone('utc');
    let left = minutes;
    for (;;) {
      if (at.weekday >= 6) {
        at = at.plus({ days: 8 - at.weekday }).startOf('day');
        continue;
      }
      const dayLeft = at.endOf('day').plus({ milliseconds: 1 }).diff(at, 'minutes').minutes;
      if (left <= dayLeft) return at.plus({ minutes: left });
      left -= dayLeft;
      at = at.plus({ minutes: dayLeft });
    }
  },
};

const aRunningClock = (overrides: Partial<RunningClock> = {}): RunningClock => ({
  ticketId: 't-1',
  clockId: 'first-response',
  generation: 0,
  countingSince: '2026-11-30T15:00:00.000Z',
  elapsedMinutes: 0,
  allowanceMinutes: 240,
  deadline: '2026-11-30T19:00:00.000Z',
  calendar: allHours,
  escalation: { atRiskPercent: 75, escalationDelayMinutes: 60, recipients: ['manager'] },
  recorded: { atRisk: false, breach: false, escalation: false },
  ...overrides,
});

const given = (clock: RunningClock) => ({
  then: (expected: readonly { id: string; dueAt: string }[]) =>
    expect(planTimers(clock).map(({ id, dueAt }) => ({ id, dueAt }))).toEqual(expected),
});

describe('planTimers, for a clock running since it started', () => {
  it('plans at-risk at 75 % of the allowance, breach at the deadline, escalation one business hour later', () => {
    expect(planTimers(aRunningClock())).toEqual([
      {
        id: 'at-risk__t-1__first-response__0',
        dueAt: '2026-11-30T18:00:00.000Z',
        payload: {
          kind: 'at-risk',
          ticketId: 't-1',
          clockId: 'first-response',
          generation: 0,
          dueAt: '2026-11-30T18:00:00.000Z',
        },
      },
      {
        id: 'breach__t-1__first-response__0',
        dueAt: '2026-11-30T19:00:00.000Z',
        payload: {
          kind: 'breach',
          ticketId: 't-1',
          clockId: 'first-response',
          generation: 0,
          dueAt: '2026-11-30T19:00:00.000Z',
        },
      },
      {
        id: 'escalation__t-1__first-response__0',
        dueAt: '2026-11-30T20:00:00.000Z',
        payload: {
          kind: 'escalation',
          ticketId: 't-1',
          clockId: 'first-response',
          generation: 0,
          dueAt: '2026-11-30T20:00:00.000Z',
          recipients: ['manager'],
        },
      },
    ]);
  });

  it('counts in support minutes: an escalation after a Friday deadline waits for Monday', () =>
    given(
      aRunningClock({
        calendar: weekdays,
        countingSince: '2026-12-04T20:00:00.000Z',
        deadline: '2026-12-05T00:00:00.000Z',
      }),
    ).then([
      { id: 'at-risk__t-1__first-response__0', dueAt: '2026-12-04T23:00:00.000Z' },
      { id: 'breach__t-1__first-response__0', dueAt: '2026-12-05T00:00:00.000Z' },
      { id: 'escalation__t-1__first-response__0', dueAt: '2026-12-07T01:00:00.000Z' },
    ]));

  it('uses the per-plan percentage and delay', () =>
    given(aRunningClock({ escalation: { atRiskPercent: 50, escalationDelayMinutes: 15, recipients: [] } })).then([
      { id: 'at-risk__t-1__first-response__0', dueAt: '2026-11-30T17:00:00.000Z' },
      { id: 'breach__t-1__first-response__0', dueAt: '2026-11-30T19:00:00.000Z' },
      { id: 'escalation__t-1__first-response__0', dueAt: '2026-11-30T19:15:00.000Z' },
    ]));
});

describe('planTimers, for a clock resumed after a pause', () => {
  it('counts the minutes consumed before the pause towards at-risk, and uses the new generation', () =>
    given(
      aRunningClock({
        generation: 2,
        countingSince: '2026-12-01T15:00:00.000Z',
        elapsedMinutes: 120,
        deadline: '2026-12-01T17:00:00.000Z',
      }),
    ).then([
      { id: 'at-risk__t-1__first-response__2', dueAt: '2026-12-01T16:00:00.000Z' },
      { id: 'breach__t-1__first-response__2', dueAt: '2026-12-01T17:00:00.000Z' },
      { id: 'escalation__t-1__first-response__2', dueAt: '2026-12-01T18:00:00.000Z' },
    ]));

  it('plans at-risk at once when 75 % was already consumed', () =>
    given(
      aRunningClock({
        countingSince: '2026-12-01T15:00:00.000Z',
        elapsedMinutes: 200,
        deadline: '2026-12-01T15:40:00.000Z',
      }),
    ).then([
      { id: 'at-risk__t-1__first-response__0', dueAt: '2026-12-01T15:00:00.000Z' },
      { id: 'breach__t-1__first-response__0', dueAt: '2026-12-01T15:40:00.000Z' },
      { id: 'escalation__t-1__first-response__0', dueAt: '2026-12-01T16:40:00.000Z' },
    ]));
});

describe('planTimers, when outcomes are already recorded', () => {
  it('plans only the escalation once the breach and the at-risk warning are recorded', () =>
    given(aRunningClock({ recorded: { atRisk: true, breach: true, escalation: false } })).then([
      { id: 'escalation__t-1__first-response__0', dueAt: '2026-11-30T20:00:00.000Z' },
    ]));

  it('plans nothing once everything is recorded', () =>
    given(aRunningClock({ recorded: { atRisk: true, breach: true, escalation: true } })).then([]));
});

describe('planTimers, when a waiver moved the deadline earlier than the allowance implies', () => {
  it('never plans the at-risk warning after the breach', () =>
    given(aRunningClock({ deadline: '2026-11-30T17:00:00.000Z' })).then([
      { id: 'at-risk__t-1__first-response__0', dueAt: '2026-11-30T17:00:00.000Z' },
      { id: 'breach__t-1__first-response__0', dueAt: '2026-11-30T17:00:00.000Z' },
      { id: 'escalation__t-1__first-response__0', dueAt: '2026-11-30T18:00:00.000Z' },
    ]));
});

describe('planTimers, properties', () => {
  const start = Date.parse('1990-01-01T00:00:00.000Z');
  const end = Date.parse('2060-01-01T00:00:00.000Z');
  const runningClocks = fc
    .record({
      ticketId: fc.uuid(),
      clockId: fc.constantFrom('first-response', 'resolution'),
      generation: fc.nat(1_000),
      countingSinceMs: fc.integer({ min: start, max: end }),
      allowanceMinutes: fc.integer({ min: 1, max: 50_000 }),
      elapsedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      deadlineShiftMinutes: fc.integer({ min: -1_000, max: 1_000 }),
      atRiskPercent: fc.integer({ min: 1, max: 100 }),
      escalationDelayMinutes: fc.integer({ min: 0, max: 10_000 }),
      calendar: fc.constantFrom(allHours, weekdays),
    })
    .map((r): RunningClock => {
      const elapsedMinutes = Math.floor(r.allowanceMinutes * r.elapsedShare);
      const countingSince = DateTime.fromMillis(r.countingSinceMs, { zone: 'utc' });
      const due = r.calendar.addBusinessMinutes(countingSince, r.allowanceMinutes - elapsedMinutes);
      const deadline = DateTime.max(countingSince, due.plus({ minutes: r.deadlineShiftMinutes }));
      return aRunningClock({
        ticketId: r.ticketId,
        clockId: r.clockId,
        generation: r.generation,
        countingSince: countingSince.toISO() ?? '',
        elapsedMinutes,
        allowanceMinutes: r.allowanceMinutes,
        deadline: deadline.toUTC().toISO() ?? '',
        calendar: r.calendar,
        escalation: {
          atRiskPercent: r.atRiskPercent,
          escalationDelayMinutes: r.escalationDelayMinutes,
          recipients: [],
        },
      });
    });

  it('orders at-risk ≤ breach ≤ escalation', () =>
    fc.assert(
      fc.property(runningClocks, (clock) => {
        const dues = planTimers(clock).map((timer) => Date.parse(timer.dueAt));
        expect(dues).toHaveLength(3);
        expect([...dues].sort((a, b) => a - b)).toEqual(dues);
      }),
    ));

  it('gives the same ids for the same clock, distinct ids per kind, and new ids for a new generation', () =>
    fc.assert(
      fc.property(runningClocks, fc.integer({ min: 1, max: 1_000 }), (clock, bump) => {
        const ids = planTimers(clock).map((timer) => timer.id);
        const nextIds = planTimers({ ...clock, generation: clock.generation + bump }).map((timer) => timer.id);
        expect(planTimers(clock).map((timer) => timer.id)).toEqual(ids);
        expect(new Set([...ids, ...nextIds]).size).toBe(6);
        expect([...ids, ...nextIds].every((id) => !id.includes(':'))).toBe(true);
      }),
    ));
});
