import {
  BEYOND_PLAN_CATEGORY,
  BillingNotAllowed,
  ChannelNotCovered,
  CustomerNotFound,
  InvalidBilledHours,
  InvalidCommand,
  NotAllowed,
  ProfessionalServicesUnavailable,
  SlaClockNotActive,
  SlaTimerNotDue,
  SupportTimeUncomputable,
  TicketNotFound,
  TicketResolvedAlready,
  ticketDecider,
  timerPlan,
  type TicketEvent,
  UnknownCommand,
  UnknownOutOfScopeCategory,
} from '@app/domain';
import { at, NOW } from '../test-support/commands';
import { aPolicyVersion, bookOf, FIRST_POLICY } from '../test-support/policies';
import {
  anOpenTicket,
  anSla,
  aTicketCommand,
  aTicketOpened,
  decided,
  fold,
  TICKET_ID,
  ticketContext,
  ticketSpec,
} from '../test-support/ticket-builders';

const opened = aTicketOpened();
// Premium ticket received Monday 2026-11-30 10:00 Eastern, due 14:00 (19:00Z).
const DEADLINE = '2026-11-30T19:00:00.000Z';

describe('POLICY §1 channels, services and handling priority', () => {
  it('opens a premium ticket by phone', () =>
    ticketSpec([])
      .when(anOpenTicket({ channel: 'phone' }))
      .then([aTicketOpened({ channel: 'phone' })]));

  it.each([
    ['standard', 'email', ['forum']],
    ['standard', 'phone', ['forum']],
    ['priority', 'phone', ['forum', 'email']],
  ] as const)('refuses a %s customer writing by %s, naming the covered channels', (plan, channel, covered) =>
    ticketSpec([], ticketContext({ customer: { plan } }))
      .when(anOpenTicket({ channel }))
      .thenRefused(ChannelNotCovered, {
        code: 'channel-not-covered',
        kind: 'policy-refusal',
        channel,
        plan,
        coveredChannels: covered,
      }),
  );

  it('takes data-migration assistance from a premium customer under support', () =>
    ticketSpec([])
      .when(anOpenTicket({ service: 'data-migration' }))
      .then([aTicketOpened({ service: 'data-migration' })]));

  it('opens data-migration assistance for a non-premium customer as out of scope, its clock stopped', () =>
    ticketSpec([], ticketContext({ customer: { plan: 'priority' } }))
      .when(anOpenTicket({ service: 'data-migration' }))
      .then([
        aTicketOpened({ plan: 'priority', service: 'data-migration', deadline: '2026-12-01T15:00:00.000Z' }),
        {
          type: 'TicketMarkedOutOfScope',
          data: {
            ticketId: TICKET_ID,
            category: BEYOND_PLAN_CATEGORY,
            note: 'data-migration not covered by the priority plan',
            markedBy: 'agent-1',
            markedAt: NOW,
            isCustomerNotified: true,
            sla: anSla({
              baseAllowanceMinutes: 630,
              allowanceMinutes: 630,
              timerGeneration: 1,
              status: 'Stopped',
              stoppedBecause: 'out-of-scope',
            }),
          },
        },
      ]));

  it('opens a request through an uncovered channel as out of scope when the customer pays for it', () => {
    const command = anOpenTicket({ channel: 'phone' });
    const { result } = ticketSpec([], ticketContext({ customer: { plan: 'standard' } })).when({
      ...command,
      data: { ...command.data, isPaidAssistance: true },
    });
    expect(result).toMatchObject([
      { type: 'TicketOpened', data: { channel: 'phone', plan: 'standard' } },
      {
        type: 'TicketMarkedOutOfScope',
        data: {
          category: BEYOND_PLAN_CATEGORY,
          note: 'phone not covered by the standard plan',
          isCustomerNotified: true,
        },
      },
    ]);
  });

  it.each([
    ['standard', 'forum', 'standard'],
    ['priority', 'email', 'priority'],
    ['premium', 'email', 'priority'],
  ] as const)('handles a %s ticket (by %s) with %s priority', (plan, channel, priority) => {
    const { result } = ticketSpec([], ticketContext({ customer: { plan } })).when(anOpenTicket({ channel }));
    expect((result as TicketEvent[])[0]).toMatchObject({ data: { handlingPriority: priority } });
  });

  it('keeps the plan of a customer who lost eligibility, and records the standing', () => {
    const { result } = ticketSpec([], ticketContext({ customer: { licences: 4, isPlanEligible: false } })).when(
      anOpenTicket(),
    );
    expect(result).toEqual([aTicketOpened({ standing: { licences: 4, isPlanEligible: false } })]);
  });

  it('refuses a ticket for an unknown customer', () =>
    ticketSpec([], ticketContext({ customer: null }))
      .when(anOpenTicket())
      .thenRefused(CustomerNotFound, { kind: 'not-found', customerId: 'acme' }));

  it('ignores the same opening again', () => ticketSpec([opened]).when(anOpenTicket()).then([]));

  it('refuses bad input without throwing', () => {
    ticketSpec([])
      .when(anOpenTicket({ receivedAt: 'yesterday', now: NOW }))
      .thenRefused(InvalidCommand, { field: 'receivedAt' });
    ticketSpec([])
      .when(anOpenTicket({ channel: 'fax' as never }))
      .thenRefused(InvalidCommand, { field: 'channel' });
    ticketSpec([])
      .when({ type: 'OpenTicket', data: null, metadata: null } as never)
      .thenRefused(InvalidCommand);
    ticketSpec([]).when(aTicketCommand('RecordResponse', {})).thenRefused(TicketNotFound, { code: 'ticket-not-found' });
  });
});

describe('POLICY §3 first-response deadlines', () => {
  it.each([
    ['premium', '2026-11-30T10:00-05:00', '2026-11-30T14:00-05:00'],
    ['premium', '2026-12-04T17:00-05:00', '2026-12-07T10:30-05:00'],
    ['priority', '2026-11-30T06:00-05:00', '2026-11-30T18:00-05:00'],
    ['priority', '2026-12-05T12:00-05:00', '2026-12-07T18:00-05:00'],
    ['standard', '2026-11-30T10:00-05:00', '2026-12-02T10:00-05:00'],
    ['standard', '2026-12-24T10:00-05:00', '2026-12-29T10:00-05:00'], // Christmas closed
    ['premium', '2026-03-06T17:00-05:00', '2026-03-09T10:30-04:00'], // DST began Sunday
  ] as const)('a %s ticket received %s is due %s', (plan, received, due) =>
    ticketSpec([], ticketContext({ customer: { plan } }))
      .when(anOpenTicket({ channel: 'forum', receivedAt: at(received), now: at(received) }))
      .then([aTicketOpened({ plan, channel: 'forum', receivedAt: at(received), deadline: at(due) })]),
  );

  it('counts from receipt, not from when the ticket is entered', () => {
    const { result } = ticketSpec([]).when(
      anOpenTicket({ receivedAt: at('2026-11-30T08:00-05:00'), now: at('2026-11-30T11:00-05:00') }),
    );
    expect((result as TicketEvent[])[0]).toMatchObject({
      data: { receivedAt: at('2026-11-30T08:00-05:00'), sla: { deadline: at('2026-11-30T12:00-05:00') } },
    });
  });
});

describe('POLICY §4 relaxation and training', () => {
  const flaggedContext = ticketContext({ customer: { isFlagged: true } });

  it('relaxes the allowance of a new ticket of a flagged customer (×2)', () =>
    ticketSpec([], flaggedContext)
      .when(anOpenTicket())
      .then([
        aTicketOpened({ standing: { isFlagged: true } }),
        {
          type: 'SlaRelaxed',
          data: {
            ticketId: TICKET_ID,
            relaxedAt: NOW,
            relaxation: { mode: 'extend', factor: 2 },
            sla: anSla({
              relaxation: { mode: 'extend', factor: 2 },
              allowanceMinutes: 480,
              timerGeneration: 1,
              deadline: at('2026-11-30T18:00-05:00'),
            }),
          },
        },
      ]));

  it('relaxes an open ticket with what has elapsed kept', () =>
    ticketSpec([opened])
      .when(aTicketCommand('RelaxSla', {}, { now: at('2026-11-30T11:00-05:00') }))
      .then([
        {
          type: 'SlaRelaxed',
          data: {
            ticketId: TICKET_ID,
            relaxedAt: at('2026-11-30T11:00-05:00'),
            relaxation: { mode: 'extend', factor: 2 },
            sla: anSla({
              relaxation: { mode: 'extend', factor: 2 },
              allowanceMinutes: 480,
              elapsedMinutes: 60,
              asOf: at('2026-11-30T11:00-05:00'),
              timerGeneration: 1,
              deadline: at('2026-11-30T18:00-05:00'),
            }),
          },
        },
      ]));

  it('suspends the SLA when the version says suspend: no deadline, no timers', () => {
    const suspend = aPolicyVersion((d) => (d.excessiveUse.relaxation = { mode: 'suspend' }));
    const context = ticketContext({ policies: bookOf(suspend) });
    const history = decided([opened], aTicketCommand('RelaxSla', {}), context);
    expect(fold(history)).toMatchObject({ clock: { status: 'Paused', relaxation: { mode: 'suspend' } } });
    expect(timerPlan(fold(history), suspend)).toEqual([]);
    const responded = decided(history, aTicketCommand('RecordResponse', {}), context);
    expect(responded.at(-1)).toMatchObject({ data: { isFirstResponse: true, outcome: 'not-applicable' } });
  });

  it('restarts a suspended SLA with the allowance it had left when the flag is cleared', () => {
    const suspend = aPolicyVersion((d) => (d.excessiveUse.relaxation = { mode: 'suspend' }));
    const context = ticketContext({ policies: bookOf(suspend) });
    const suspended = decided([opened], aTicketCommand('RelaxSla', {}, { now: at('2026-11-30T11:00-05:00') }), context);
    const { result } = ticketSpec(suspended, context).when(
      aTicketCommand('EndSlaRelaxation', {}, { now: at('2026-12-03T09:00-05:00') }),
    );
    expect(result).toMatchObject([
      { data: { sla: { status: 'Running', elapsedMinutes: 60, deadline: at('2026-12-03T12:00-05:00') } } },
    ]);
  });

  it('keeps a suspended SLA paused when training is completed, until the flag is cleared', () => {
    const suspend = aPolicyVersion((d) => (d.excessiveUse.relaxation = { mode: 'suspend' }));
    const context = ticketContext({ policies: bookOf(suspend) });
    const history = [aTicketCommand('RelaxSla', {}), aTicketCommand('PauseSlaClockForTraining', {})].reduce(
      (events, command) => decided(events, command, context),
      [opened] as TicketEvent[],
    );
    const resumed = decided(history, aTicketCommand('ResumeSlaClock', {}), context);
    expect(fold(resumed)).toMatchObject({ clock: { status: 'Paused', isPausedForTraining: false } });
    expect(resumed.at(-1)).toMatchObject({ type: 'SlaClockResumed', data: { sla: { status: 'Paused' } } });
  });

  it('ends the relaxation when the flag is cleared, back to the plan allowance', () => {
    const relaxed = decided([opened], aTicketCommand('RelaxSla', {}));
    ticketSpec(relaxed)
      .when(aTicketCommand('EndSlaRelaxation', {}, { now: at('2026-11-30T11:00-05:00') }))
      .then([
        {
          type: 'SlaRelaxationEnded',
          data: {
            ticketId: TICKET_ID,
            endedAt: at('2026-11-30T11:00-05:00'),
            sla: anSla({
              elapsedMinutes: 60,
              asOf: at('2026-11-30T11:00-05:00'),
              timerGeneration: 2,
              deadline: DEADLINE,
            }),
          },
        },
      ]);
    ticketSpec(relaxed).when(aTicketCommand('RelaxSla', {})).then([]);
    ticketSpec([opened]).when(aTicketCommand('EndSlaRelaxation', {})).then([]);
  });

  it('dates the deadline of a ticket whose relaxed time ran past the plan allowance in the past when the flag is cleared', () => {
    const relaxed = decided([opened], aTicketCommand('RelaxSla', {}));
    const { result } = ticketSpec(relaxed).when(
      aTicketCommand('EndSlaRelaxation', {}, { now: at('2026-11-30T16:00-05:00') }),
    );
    expect(result).toMatchObject([{ data: { sla: { elapsedMinutes: 360, deadline: DEADLINE } } }]);
    const { result: response } = ticketSpec([...relaxed, ...(result as TicketEvent[])]).when(
      aTicketCommand('RecordResponse', {}, { now: at('2026-11-30T16:00-05:00') }),
    );
    expect(response).toMatchObject([{ data: { outcome: 'missed', missedByMinutes: 120 } }]);
  });

  it('pauses the clock for training and resumes it with the allowance it had left', () => {
    const paused = {
      type: 'SlaClockPausedForTraining',
      data: {
        ticketId: TICKET_ID,
        pausedAt: at('2026-11-30T12:00-05:00'),
        remainingMinutes: 120,
        sla: anSla({
          elapsedMinutes: 120,
          asOf: at('2026-11-30T12:00-05:00'),
          isPausedForTraining: true,
          timerGeneration: 1,
          status: 'Paused',
        }),
      },
    } as const;
    ticketSpec([opened])
      .when(aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T12:00-05:00') }))
      .then([paused]);
    ticketSpec([opened, paused]).when(aTicketCommand('PauseSlaClockForTraining', {})).then([]);
    ticketSpec([opened, paused])
      .when(aTicketCommand('ResumeSlaClock', {}, { now: at('2026-12-02T09:00-05:00') }))
      .then([
        {
          type: 'SlaClockResumed',
          data: {
            ticketId: TICKET_ID,
            resumedAt: at('2026-12-02T09:00-05:00'),
            remainingMinutes: 120,
            sla: anSla({
              elapsedMinutes: 120,
              asOf: at('2026-12-02T09:00-05:00'),
              timerGeneration: 2,
              deadline: at('2026-12-02T11:00-05:00'),
            }),
          },
        },
      ]);
    ticketSpec([opened]).when(aTicketCommand('ResumeSlaClock', {})).then([]);
  });

  it('opens the ticket of a customer in training with its clock paused', () => {
    const { result } = ticketSpec([], ticketContext({ customer: { isTrainingRequired: true } })).when(anOpenTicket());
    expect((result as TicketEvent[]).map((e) => e.type)).toEqual(['TicketOpened', 'SlaClockPausedForTraining']);
    expect(fold(result as TicketEvent[])).toMatchObject({ clock: { status: 'Paused', elapsedMinutes: 0 } });
  });

  it('answers a customer in training, best effort: the response is judged on the time counted before the pause', () => {
    const history = decided(
      [opened],
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T11:00-05:00') }),
    );
    const { result } = ticketSpec(history).when(
      aTicketCommand('RecordResponse', {}, { now: at('2026-12-10T11:00-05:00') }),
    );
    expect(result).toMatchObject([{ data: { outcome: 'met', missedByMinutes: 0, sla: { elapsedMinutes: 60 } } }]);
  });
});

describe('POLICY §5 out of scope and professional services', () => {
  const outOfScope = decided([opened], aTicketCommand('MarkTicketOutOfScope', { category: BEYOND_PLAN_CATEGORY }));

  it('marks a ticket out of scope: the clock stops and the customer is told', () => {
    ticketSpec([opened])
      .when(
        aTicketCommand(
          'MarkTicketOutOfScope',
          { category: BEYOND_PLAN_CATEGORY, note: 'custom scripting' },
          { now: at('2026-11-30T11:00-05:00') },
        ),
      )
      .then([
        {
          type: 'TicketMarkedOutOfScope',
          data: {
            ticketId: TICKET_ID,
            category: BEYOND_PLAN_CATEGORY,
            note: 'custom scripting',
            markedBy: 'agent-1',
            markedAt: at('2026-11-30T11:00-05:00'),
            isCustomerNotified: true,
            sla: anSla({
              elapsedMinutes: 60,
              asOf: at('2026-11-30T11:00-05:00'),
              timerGeneration: 1,
              status: 'Stopped',
              stoppedBecause: 'out-of-scope',
            }),
          },
        },
      ]);
    expect(timerPlan(fold(outOfScope), FIRST_POLICY)).toEqual([]);
  });

  it('accepts only the categories of the version', () => {
    ticketSpec([opened])
      .when(aTicketCommand('MarkTicketOutOfScope', { category: 'hardware' }))
      .thenRefused(UnknownOutOfScopeCategory, { allowedCategories: [BEYOND_PLAN_CATEGORY] });
    const withHardware = aPolicyVersion((d) => (d.outOfScopeCategories = ['hardware']));
    const { result } = ticketSpec([opened], ticketContext({ policies: bookOf(withHardware) })).when(
      aTicketCommand('MarkTicketOutOfScope', { category: 'hardware' }),
    );
    expect(result).toMatchObject([{ type: 'TicketMarkedOutOfScope', data: { category: 'hardware' } }]);
  });

  it('bills hours at the version rate on out-of-scope work', () =>
    ticketSpec(outOfScope)
      .when(
        aTicketCommand('BillProfessionalServices', { hours: 1.5, note: 'migration script' }, { commandId: 'bill-1' }),
      )
      .then([
        {
          type: 'ProfessionalServicesBilled',
          data: {
            ticketId: TICKET_ID,
            entryId: 'bill-1',
            hours: 1.5,
            hourlyRate: 150,
            currency: 'CAD',
            amount: 225,
            policyVersion: '2017-11-23',
            billedBy: 'agent-1',
            billedAt: NOW,
            note: 'migration script',
          },
        },
      ]));

  it('ignores the same billing entry sent twice', () => {
    const billed = decided(
      outOfScope,
      aTicketCommand('BillProfessionalServices', { hours: 2 }, { commandId: 'bill-1' }),
    );
    ticketSpec(billed)
      .when(aTicketCommand('BillProfessionalServices', { hours: 2 }, { commandId: 'bill-1' }))
      .then([]);
  });

  it('refuses billing on work covered by support', () =>
    ticketSpec([opened])
      .when(aTicketCommand('BillProfessionalServices', { hours: 1 }))
      .thenRefused(BillingNotAllowed, { code: 'billing-not-allowed', kind: 'policy-refusal' }));

  it.each([0, -1, 24.25, Number.NaN])('refuses %p hours in one entry', (hours) =>
    ticketSpec(outOfScope)
      .when(aTicketCommand('BillProfessionalServices', { hours }))
      .thenRefused(InvalidBilledHours, { maxHours: 24 }),
  );

  it('accepts 24 hours in one entry', () =>
    expect(ticketSpec(outOfScope).when(aTicketCommand('BillProfessionalServices', { hours: 24 })).result).toMatchObject(
      [{ data: { amount: 3600 } }],
    ));

  it('refuses billing while professional services are unavailable', () => {
    const unavailable = aPolicyVersion((d) => (d.professionalServices.isAvailable = false));
    ticketSpec(outOfScope, ticketContext({ policies: bookOf(unavailable) }))
      .when(aTicketCommand('BillProfessionalServices', { hours: 1 }))
      .thenRefused(ProfessionalServicesUnavailable);
    ticketSpec(outOfScope, ticketContext({ policies: bookOf(unavailable) }))
      .when(aTicketCommand('OfferProfessionalServices', {}))
      .thenRefused(ProfessionalServicesUnavailable);
  });

  it('offers professional services once, at the version rate', () => {
    ticketSpec(outOfScope)
      .when(aTicketCommand('OfferProfessionalServices', { note: 'quote sent' }, { role: 'lead' }))
      .then([
        {
          type: 'ProfessionalServicesOffered',
          data: {
            ticketId: TICKET_ID,
            hourlyRate: 150,
            currency: 'CAD',
            policyVersion: '2017-11-23',
            offeredBy: 'lead-1',
            offeredAt: NOW,
            note: 'quote sent',
          },
        },
      ]);
    const offered = decided(outOfScope, aTicketCommand('OfferProfessionalServices', {}));
    ticketSpec(offered).when(aTicketCommand('OfferProfessionalServices', {})).then([]);
  });
});

describe('POLICY §6 waivers, extensions and policy changes', () => {
  it('waives a deadline with a written reason by a lead', () =>
    ticketSpec([opened])
      .when(aTicketCommand('WaiveDeadline', { reason: 'customer on holiday' }, { role: 'lead' }))
      .then([
        {
          type: 'DeadlineWaived',
          data: {
            ticketId: TICKET_ID,
            reason: 'customer on holiday',
            waivedBy: 'lead-1',
            waivedByRole: 'lead',
            waivedAt: NOW,
            previousDeadline: DEADLINE,
            sla: anSla({
              timerGeneration: 1,
              status: 'Stopped',
              stoppedBecause: 'waived',
            }),
          },
        },
      ]));

  it('refuses a waiver by an agent, and one without a reason', () => {
    ticketSpec([opened])
      .when(aTicketCommand('WaiveDeadline', { reason: 'because' }, { role: 'agent' }))
      .thenRefused(NotAllowed, {
        code: 'not-allowed',
        kind: 'forbidden',
        role: 'agent',
        allowedRoles: ['lead', 'admin'],
      });
    ticketSpec([opened])
      .when(aTicketCommand('WaiveDeadline', { reason: ' ' }, { role: 'lead' }))
      .thenRefused(InvalidCommand, { field: 'reason' });
  });

  it('extends a deadline by support minutes', () =>
    ticketSpec([opened])
      .when(
        aTicketCommand(
          'ExtendDeadline',
          { extensionMinutes: 120, reason: 'waiting for logs' },
          { role: 'lead', commandId: 'ext-1', now: at('2026-11-30T11:00-05:00') },
        ),
      )
      .then([
        {
          type: 'DeadlineExtended',
          data: {
            ticketId: TICKET_ID,
            extensionId: 'ext-1',
            extensionMinutes: 120,
            reason: 'waiting for logs',
            extendedBy: 'lead-1',
            extendedByRole: 'lead',
            extendedAt: at('2026-11-30T11:00-05:00'),
            previousDeadline: DEADLINE,
            sla: anSla({
              extensionMinutes: 120,
              allowanceMinutes: 360,
              elapsedMinutes: 60,
              asOf: at('2026-11-30T11:00-05:00'),
              timerGeneration: 1,
              deadline: at('2026-11-30T16:00-05:00'),
            }),
          },
        },
      ]));

  it('refuses an extension without an authorised role or a whole positive number of minutes', () => {
    ticketSpec([opened])
      .when(aTicketCommand('ExtendDeadline', { extensionMinutes: 60, reason: 'x' }, { role: 'agent' }))
      .thenRefused(NotAllowed);
    ticketSpec([opened])
      .when(aTicketCommand('ExtendDeadline', { extensionMinutes: 0, reason: 'x' }, { role: 'lead' }))
      .thenRefused(InvalidCommand, { field: 'extensionMinutes' });
  });

  const newer = aPolicyVersion((d) => {
    d.version = '2026-12-01';
    d.effectiveFrom = '2026-12-01T05:00:00.000Z';
    d.plans.premium.firstResponseAllowance = { businessHours: 2 };
  });
  const book = bookOf(FIRST_POLICY, newer);
  const later = { now: at('2026-12-01T08:00-05:00') };

  it('keeps an open ticket under the version it was received in when a newer one takes effect', () => {
    const { result } = ticketSpec([opened], ticketContext({ policies: book })).when(
      aTicketCommand('RecordSlaBreach', { clockId: 'first-response', timerGeneration: 0 }, later),
    );
    expect(result).toMatchObject([{ type: 'SlaBreached', data: { deadline: DEADLINE, policyVersion: '2017-11-23' } }]);
  });

  it('re-plans an open ticket under the version in force, when an administrator asks, keeping the time counted', () => {
    const paused = decided(
      [opened],
      aTicketCommand('PauseSlaClockForTraining', {}, { now: at('2026-11-30T11:00-05:00') }),
      ticketContext({ policies: book }),
    );
    const resumed = decided(paused, aTicketCommand('ResumeSlaClock', {}, later), ticketContext({ policies: book }));
    ticketSpec(resumed, ticketContext({ policies: book }))
      .when(aTicketCommand('ReplanTicket', {}, { ...later, role: 'admin' }))
      .then([
        {
          type: 'TicketReplanned',
          data: {
            ticketId: TICKET_ID,
            previousPolicyVersion: '2017-11-23',
            policyVersion: '2026-12-01',
            previousDeadline: at('2026-12-01T11:00-05:00'),
            replannedBy: 'admin-1',
            replannedAt: later.now,
            sla: anSla({
              policyVersion: '2026-12-01',
              baseAllowanceMinutes: 120,
              allowanceMinutes: 120,
              elapsedMinutes: 60,
              asOf: later.now,
              timerGeneration: 3,
              deadline: at('2026-12-01T09:00-05:00'),
            }),
          },
        },
      ]);
  });

  it('refuses a re-plan by anyone but an administrator, and ignores one under the same version', () => {
    ticketSpec([opened], ticketContext({ policies: book }))
      .when(aTicketCommand('ReplanTicket', {}, { ...later, role: 'lead' }))
      .thenRefused(NotAllowed, { allowedRoles: ['admin'] });
    ticketSpec([opened])
      .when(aTicketCommand('ReplanTicket', {}, { role: 'admin' }))
      .then([]);
  });
});

describe('POLICY §7 at-risk, breach and escalation', () => {
  const timer = (type: 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach', now: string, timerGeneration = 0) =>
    aTicketCommand(type, { clockId: 'first-response', timerGeneration }, { now, role: 'system' });
  const facts = {
    ticketId: TICKET_ID,
    clockId: 'first-response',
    deadline: DEADLINE,
    allowanceMinutes: 240,
    policyVersion: '2017-11-23',
    timerGeneration: 0,
  };
  const detected = (at: string) => ({ detectedAt: at });
  const atRisk: TicketEvent = {
    type: 'SlaAtRisk',
    data: {
      ...facts,
      ...detected(at('2026-11-30T13:00-05:00')),
      recipients: ['lead'],
      atRiskPercent: 75,
      atRiskAt: at('2026-11-30T13:00-05:00'),
    },
  };
  const breached: TicketEvent = {
    type: 'SlaBreached',
    data: { ...facts, ...detected(DEADLINE), recipients: ['ops', 'lead'], breachedAt: DEADLINE },
  };

  it('plans at-risk at 75 %, breach at 100 % and escalation one business hour after', () =>
    expect(timerPlan(fold([opened]), FIRST_POLICY)).toEqual([
      {
        timerId: `at-risk__${TICKET_ID}__first-response__0`,
        kind: 'at-risk',
        ticketId: TICKET_ID,
        clockId: 'first-response',
        timerGeneration: 0,
        dueAt: at('2026-11-30T13:00-05:00'),
      },
      {
        timerId: `breach__${TICKET_ID}__first-response__0`,
        kind: 'breach',
        ticketId: TICKET_ID,
        clockId: 'first-response',
        timerGeneration: 0,
        dueAt: DEADLINE,
      },
      {
        timerId: `escalation__${TICKET_ID}__first-response__0`,
        kind: 'escalation',
        ticketId: TICKET_ID,
        clockId: 'first-response',
        timerGeneration: 0,
        dueAt: at('2026-11-30T15:00-05:00'),
      },
    ]));

  it('plans an escalation past closing time into the next business hour', () => {
    const late = aTicketOpened({ receivedAt: at('2026-11-30T14:00-05:00'), deadline: at('2026-11-30T18:00-05:00') });
    expect(timerPlan(fold([late]), FIRST_POLICY).at(-1)?.dueAt).toBe(at('2026-12-01T08:30-05:00'));
  });

  it('records at-risk once, when 75 % has elapsed', () => {
    ticketSpec([opened])
      .when(timer('RecordSlaAtRisk', at('2026-11-30T12:59-05:00')))
      .thenRefused(SlaTimerNotDue, { code: 'sla-timer-not-due', dueAt: at('2026-11-30T13:00-05:00') });
    ticketSpec([opened])
      .when(timer('RecordSlaAtRisk', at('2026-11-30T13:00-05:00')))
      .then([atRisk]);
    ticketSpec([opened, atRisk])
      .when(timer('RecordSlaAtRisk', at('2026-11-30T13:05-05:00')))
      .then([]);
  });

  it.each([
    ['at the deadline', DEADLINE],
    ['after the deadline (a worker back from downtime)', at('2026-11-30T14:30-05:00')],
  ])('records no at-risk warning when its timer fires %s: the breach says it all', (_when, now) =>
    ticketSpec([opened]).when(timer('RecordSlaAtRisk', now)).then([]),
  );

  it('records no at-risk warning once the breach is recorded', () =>
    ticketSpec([opened, breached])
      .when(timer('RecordSlaAtRisk', at('2026-11-30T14:01-05:00')))
      .then([]));

  it('records an at-risk warning fired just before the deadline', () =>
    ticketSpec([opened])
      .when(timer('RecordSlaAtRisk', at('2026-11-30T13:59-05:00')))
      .then([{ ...atRisk, data: { ...atRisk.data, ...detected(at('2026-11-30T13:59-05:00')) } } as TicketEvent]));

  it('records the breach once, at the deadline', () => {
    ticketSpec([opened, atRisk]).when(timer('RecordSlaBreach', DEADLINE)).then([breached]);
    ticketSpec([opened, atRisk, breached])
      .when(timer('RecordSlaBreach', at('2026-11-30T14:30-05:00')))
      .then([]);
    expect(timerPlan(fold([opened, atRisk, breached]), FIRST_POLICY).map((t) => t.kind)).toEqual(['escalation']);
  });

  it('records no at-risk warning once the breach is recorded: it is moot, even when an extension moves the deadline', () => {
    const extendedAfterBreach = decided(
      [opened, breached],
      aTicketCommand(
        'ExtendDeadline',
        { extensionMinutes: 240, reason: 'logs' },
        { role: 'lead', now: at('2026-11-30T14:10-05:00') },
      ),
    );
    ticketSpec(extendedAfterBreach)
      .when(timer('RecordSlaAtRisk', at('2026-11-30T17:00-05:00'), 1))
      .then([]);
  });

  it('escalates once, one business hour after the breach, while unanswered', () => {
    ticketSpec([opened])
      .when(timer('EscalateSlaBreach', at('2026-11-30T15:00-05:00')))
      .thenRefused(SlaTimerNotDue, { timer: 'breach' });
    ticketSpec([opened, breached])
      .when(timer('EscalateSlaBreach', at('2026-11-30T14:59-05:00')))
      .thenRefused(SlaTimerNotDue, { timer: 'escalation' });
    const escalated: TicketEvent = {
      type: 'SlaBreachEscalated',
      data: {
        ...facts,
        ...detected(at('2026-11-30T15:00-05:00')),
        recipients: ['manager'],
        level: 1,
        escalationDelayBusinessMinutes: 60,
        escalatedAt: at('2026-11-30T15:00-05:00'),
      },
    };
    ticketSpec([opened, breached])
      .when(timer('EscalateSlaBreach', at('2026-11-30T15:00-05:00')))
      .then([escalated]);
    ticketSpec([opened, breached, escalated])
      .when(timer('EscalateSlaBreach', at('2026-11-30T16:00-05:00')))
      .then([]);
    expect(timerPlan(fold([opened, breached, escalated]), FIRST_POLICY)).toEqual([]);
  });

  it.each([
    ['a response', aTicketCommand('RecordResponse', {})],
    ['a pause for training', aTicketCommand('PauseSlaClockForTraining', {})],
    ['a waiver', aTicketCommand('WaiveDeadline', { reason: 'goodwill' }, { role: 'lead' })],
    ['an extension', aTicketCommand('ExtendDeadline', { extensionMinutes: 30, reason: 'logs' }, { role: 'lead' })],
    ['a resolution', aTicketCommand('ResolveTicket', {})],
  ])('makes a pending breach impossible after %s', (_name, command) => {
    const history = decided([opened], command);
    ticketSpec(history)
      .when(timer('RecordSlaBreach', at('2026-11-30T17:00-05:00')))
      .then([]);
    expect(timerPlan(fold(history), FIRST_POLICY).filter((t) => t.timerGeneration === 0)).toEqual([]);
  });

  it('records a response before the deadline as met, with the business minutes taken', () =>
    ticketSpec([opened])
      .when(aTicketCommand('RecordResponse', { by: 'Alice' }, { commandId: 'r-1', now: at('2026-11-30T11:30-05:00') }))
      .then([
        {
          type: 'TicketResponded',
          data: {
            ticketId: TICKET_ID,
            responseId: 'r-1',
            respondedBy: 'Alice',
            respondedAt: at('2026-11-30T11:30-05:00'),
            isFirstResponse: true,
            outcome: 'met',
            deadline: DEADLINE,
            missedByMinutes: 0,
            businessMinutesTaken: 90,
            sla: anSla({
              elapsedMinutes: 90,
              asOf: at('2026-11-30T11:30-05:00'),
              timerGeneration: 1,
              status: 'Stopped',
              stoppedBecause: 'responded',
            }),
          },
        },
      ]));

  it('records a response after a closing-time deadline as missed, though no support minute elapsed', () => {
    const late = aTicketOpened({ receivedAt: at('2026-11-30T14:00-05:00'), deadline: at('2026-11-30T18:00-05:00') });
    const { result } = ticketSpec([late]).when(
      aTicketCommand('RecordResponse', {}, { now: at('2026-11-30T19:00-05:00') }),
    );
    expect(result).toMatchObject([{ data: { outcome: 'missed', missedByMinutes: 0, businessMinutesTaken: 240 } }]);
  });

  it('records a response after a breach as missed, with the size of the miss', () => {
    const { result } = ticketSpec([opened, breached]).when(
      aTicketCommand('RecordResponse', {}, { now: at('2026-12-01T08:00-05:00') }),
    );
    expect(result).toMatchObject([{ data: { isFirstResponse: true, outcome: 'missed', missedByMinutes: 270 } }]);
  });

  it('records one first response; later ones and a retried one are not first', () => {
    const first = decided([opened], aTicketCommand('RecordResponse', {}, { commandId: 'r-1' }));
    ticketSpec(first)
      .when(aTicketCommand('RecordResponse', {}, { commandId: 'r-1' }))
      .then([]);
    ticketSpec(first)
      .when(aTicketCommand('RecordResponse', {}, { commandId: 'r-2', role: 'lead' }))
      .then([
        {
          type: 'TicketResponded',
          data: {
            ticketId: TICKET_ID,
            responseId: 'r-2',
            respondedBy: 'lead-1',
            respondedAt: NOW,
            isFirstResponse: false,
          },
        },
      ]);
  });

  it('ignores a timer of an older generation', () => {
    const extended = decided(
      [opened],
      aTicketCommand('ExtendDeadline', { extensionMinutes: 30, reason: 'logs' }, { role: 'lead' }),
    );
    ticketSpec(extended)
      .when(timer('RecordSlaBreach', at('2026-11-30T17:00-05:00'), 0))
      .then([]);
    const { result } = ticketSpec(extended).when(timer('RecordSlaBreach', at('2026-11-30T17:00-05:00'), 1));
    expect(result).toMatchObject([{ type: 'SlaBreached', data: { deadline: at('2026-11-30T14:30-05:00') } }]);
  });
});

describe('Ticket, when resolved', () => {
  const resolved = decided([aTicketOpened()], aTicketCommand('ResolveTicket', { note: 'fixed' }));

  it('is resolved once, its clock stopped', () => {
    expect(resolved.at(-1)).toMatchObject({
      type: 'TicketResolved',
      data: { resolvedBy: 'agent-1', note: 'fixed', sla: { status: 'Stopped', stoppedBecause: 'resolved' } },
    });
    ticketSpec(resolved).when(aTicketCommand('ResolveTicket', {})).then([]);
  });

  it('refuses new responses and waivers', () => {
    ticketSpec(resolved).when(aTicketCommand('RecordResponse', {})).thenRefused(TicketResolvedAlready);
    ticketSpec(resolved)
      .when(aTicketCommand('WaiveDeadline', { reason: 'x' }, { role: 'lead' }))
      .thenRefused(SlaClockNotActive, { stoppedBecause: 'resolved' });
  });

  it('refuses a command it does not know without throwing', () =>
    ticketSpec(resolved)
      .when({ ...aTicketCommand('ResolveTicket', {}), type: 'Explode' } as never)
      .thenRefused(UnknownCommand, { code: 'unknown-command', type: 'Explode' }));
});

describe('Ticket, when open beyond the calendar horizon', () => {
  it('refuses, without throwing, a time beyond the calendar horizon', () => {
    const ancient = aTicketOpened({ receivedAt: '2018-01-08T15:00:00.000Z', deadline: '2018-01-08T19:00:00.000Z' });
    ticketSpec([ancient])
      .when(aTicketCommand('RecordResponse', {}, { now: '2049-01-08T15:00:00.000Z' }))
      .thenRefused(SupportTimeUncomputable, { code: 'support-time-uncomputable', calendarCode: 'horizon-exceeded' });
  });
});

describe('ticketDecider, as the event store runs it', () => {
  it('decides its command against the state it is given, with its context', () => {
    const decider = ticketDecider(anOpenTicket(), ticketContext({ customer: null }));
    expect(decider.decide(decider.initialState)).toBeInstanceOf(CustomerNotFound);
    expect(decider.decide(decider.evolve(decider.initialState, opened))).toEqual([]);
  });
});
