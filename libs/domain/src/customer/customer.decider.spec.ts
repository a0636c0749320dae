import {
  CustomerAlreadyRegistered,
  CustomerNotFound,
  customerDecider,
  customerStanding,
  evolveCustomer,
  initialCustomerState,
  InvalidCommand,
  PlanNotEligible,
  PolicyVersionUnknown,
  suggestFlag,
} from '@app/domain';
import { PolicyBook } from '@app/policy';
import { metadata, NOW } from '../test-support/commands';
import {
  aCustomerCommand,
  aCustomerRegistered,
  aRegisterCustomer,
  CUSTOMER_ID,
  customerSpec,
} from '../test-support/customer-builders';
import { aPolicyVersion, FIRST_POLICY } from '../test-support/policies';

const admin = metadata({ role: 'admin' });

describe('POLICY §1 eligibility', () => {
  describe('Customer, when not registered', () => {
    it('registers a premium customer with 10 licences', () =>
      customerSpec([])
        .when(aRegisterCustomer({ plan: 'premium', licences: 10, meta: admin }))
        .then([
          {
            type: 'CustomerRegistered',
            data: {
              customerId: CUSTOMER_ID,
              name: 'Acme',
              licences: 10,
              plan: 'premium',
              policyVersion: '2017-11-23',
              registeredBy: 'admin-1',
              registeredAt: NOW,
            },
          },
        ]));

    it.each(['priority', 'premium'] as const)('refuses the %s plan with 9 licences', (plan) =>
      customerSpec([])
        .when(aRegisterCustomer({ plan, licences: 9 }))
        .thenRefused(PlanNotEligible, {
          code: 'plan-not-eligible',
          kind: 'policy-refusal',
          plan,
          licences: 9,
          required: 10,
        }),
    );

    it('registers a standard customer with a single licence', () =>
      expect(customerSpec([]).when(aRegisterCustomer({ plan: 'standard', licences: 1 })).result).toHaveLength(1));

    it('refuses any other command', () =>
      customerSpec([])
        .when(aCustomerCommand('ChangeLicences', { licences: 3 }))
        .thenRefused(CustomerNotFound, { code: 'customer-not-found', kind: 'not-found', customerId: CUSTOMER_ID }));

    it('refuses bad input with the field at fault', () => {
      customerSpec([])
        .when(aRegisterCustomer({ licences: 2.5 }))
        .thenRefused(InvalidCommand, { field: 'licences' });
      customerSpec([])
        .when(aRegisterCustomer({ name: '  ' }))
        .thenRefused(InvalidCommand, { field: 'name' });
      customerSpec([])
        .when(aRegisterCustomer({ plan: 'gold' as never }))
        .thenRefused(InvalidCommand, { field: 'plan', kind: 'invalid' });
    });

    it('refuses a malformed command without throwing', () => {
      for (const command of [
        null,
        { type: 'RegisterCustomer' },
        { ...aRegisterCustomer(), metadata: { now: 'soon' } },
      ]) {
        customerSpec([])
          .when(command as never)
          .thenRefused(InvalidCommand);
      }
    });

    it('refuses when no policy version is in force', () =>
      customerSpec([], { policies: PolicyBook.empty() }).when(aRegisterCustomer()).thenRefused(PolicyVersionUnknown));
  });

  describe('Customer, when registered', () => {
    it('ignores the same registration again and refuses a different one', () => {
      customerSpec([aCustomerRegistered()]).when(aRegisterCustomer()).then([]);
      customerSpec([aCustomerRegistered()])
        .when(aRegisterCustomer({ licences: 40 }))
        .thenRefused(CustomerAlreadyRegistered, { code: 'customer-already-registered', kind: 'conflict' });
    });

    it('assigns priority at 10 licences and refuses it at 9', () => {
      customerSpec([aCustomerRegistered({ plan: 'standard', licences: 10 })])
        .when(aCustomerCommand('AssignPlan', { plan: 'priority' }, admin))
        .then([
          {
            type: 'PlanAssigned',
            data: {
              customerId: CUSTOMER_ID,
              plan: 'priority',
              previousPlan: 'standard',
              licences: 10,
              policyVersion: '2017-11-23',
              assignedBy: 'admin-1',
              assignedAt: NOW,
            },
          },
        ]);
      customerSpec([aCustomerRegistered({ plan: 'standard', licences: 9 })])
        .when(aCustomerCommand('AssignPlan', { plan: 'priority' }))
        .thenRefused(PlanNotEligible, { plan: 'priority', licences: 9, required: 10 });
    });

    it('records lost eligibility when licences fall below the minimum, without downgrading', () => {
      const when = customerSpec([aCustomerRegistered({ plan: 'premium', licences: 12 })]).when(
        aCustomerCommand('ChangeLicences', { licences: 9 }, admin),
      );
      when.then([
        {
          type: 'CustomerLicencesChanged',
          data: { customerId: CUSTOMER_ID, previousLicences: 12, licences: 9, changedBy: 'admin-1', changedAt: NOW },
        },
        {
          type: 'PlanEligibilityLost',
          data: {
            customerId: CUSTOMER_ID,
            plan: 'premium',
            licences: 9,
            required: 10,
            policyVersion: '2017-11-23',
            lostAt: NOW,
          },
        },
      ]);
      const after = (when.result as never[]).reduce(evolveCustomer, when.state);
      expect(customerStanding(after)).toEqual({
        customerId: CUSTOMER_ID,
        plan: 'premium',
        licences: 9,
        isPlanEligible: false,
        isFlagged: false,
        isTrainingRequired: false,
      });
    });

    it('records regained eligibility once licences are back to the minimum', () => {
      const lost = customerSpec([aCustomerRegistered({ licences: 12 })]).when(
        aCustomerCommand('ChangeLicences', { licences: 5 }, admin),
      );
      customerSpec([aCustomerRegistered({ licences: 12 }), ...(lost.result as never[])])
        .when(aCustomerCommand('ChangeLicences', { licences: 10 }, admin))
        .then([
          {
            type: 'CustomerLicencesChanged',
            data: { customerId: CUSTOMER_ID, previousLicences: 5, licences: 10, changedBy: 'admin-1', changedAt: NOW },
          },
          {
            type: 'PlanEligibilityRegained',
            data: {
              customerId: CUSTOMER_ID,
              plan: 'premium',
              licences: 10,
              required: 10,
              policyVersion: '2017-11-23',
              regainedAt: NOW,
            },
          },
        ]);
    });

    it('does nothing when licences or plan do not change', () => {
      customerSpec([aCustomerRegistered({ licences: 12 })])
        .when(aCustomerCommand('ChangeLicences', { licences: 12 }))
        .then([]);
      customerSpec([aCustomerRegistered({ plan: 'premium' })])
        .when(aCustomerCommand('AssignPlan', { plan: 'premium' }))
        .then([]);
    });

    it('follows the minimum of the version in force', () => {
      const lowerMinimum = PolicyBook.of([aPolicyVersion((d) => (d.plans.priority.minimumLicences = 5))]) as PolicyBook;
      const { result } = customerSpec([aCustomerRegistered({ plan: 'standard', licences: 5 })], {
        policies: lowerMinimum,
      }).when(aCustomerCommand('AssignPlan', { plan: 'priority' }));
      expect(result).toMatchObject([{ type: 'PlanAssigned', data: { plan: 'priority', licences: 5 } }]);
    });
  });
});

describe('POLICY §4 excessive requests and training', () => {
  const registered = aCustomerRegistered();
  const flagged = {
    type: 'CustomerFlaggedForExcessiveRequests',
    data: {
      customerId: CUSTOMER_ID,
      reason: 'thirty tickets on basics',
      flaggedBy: 'agent-1',
      flaggedAt: NOW,
      ticketId: 't-1',
    },
  } as const;

  it('flags a customer with a reason, by whom, from which ticket', () =>
    customerSpec([registered])
      .when(
        aCustomerCommand(
          'FlagCustomerForExcessiveRequests',
          { reason: 'thirty tickets on basics', ticketId: 't-1' },
          metadata({ role: 'agent' }),
        ),
      )
      .then([flagged]));

  it('needs a reason to flag', () =>
    customerSpec([registered])
      .when(aCustomerCommand('FlagCustomerForExcessiveRequests', { reason: '' }))
      .thenRefused(InvalidCommand, { field: 'reason' }));

  it('ignores a second flag and clears the flag once', () => {
    customerSpec([registered, flagged])
      .when(aCustomerCommand('FlagCustomerForExcessiveRequests', { reason: 'again' }))
      .then([]);
    customerSpec([registered, flagged])
      .when(aCustomerCommand('ClearExcessiveRequestsFlag', { reason: 'training done' }, metadata({ role: 'lead' })))
      .then([
        {
          type: 'CustomerFlagCleared',
          data: { customerId: CUSTOMER_ID, clearedBy: 'lead-1', clearedAt: NOW, reason: 'training done' },
        },
      ]);
    customerSpec([registered]).when(aCustomerCommand('ClearExcessiveRequestsFlag', {})).then([]);
  });

  it('requires training and records its completion, each once', () => {
    const required = {
      type: 'CustomerTrainingRequired',
      data: { customerId: CUSTOMER_ID, requiredBy: 'lead-1', requiredAt: NOW },
    } as const;
    customerSpec([registered, flagged])
      .when(aCustomerCommand('RequireTraining', {}, metadata({ role: 'lead' })))
      .then([required]);
    customerSpec([registered, flagged, required]).when(aCustomerCommand('RequireTraining', {})).then([]);
    customerSpec([registered, flagged, required])
      .when(aCustomerCommand('RecordTrainingCompleted', {}, metadata({ role: 'lead' })))
      .then([
        {
          type: 'CustomerTrainingCompleted',
          data: { customerId: CUSTOMER_ID, recordedBy: 'lead-1', completedAt: NOW },
        },
      ]);
    customerSpec([registered, flagged]).when(aCustomerCommand('RecordTrainingCompleted', {})).then([]);
  });

  it('gives the ticket decider the standing of a flagged customer in training', () => {
    const state = [
      registered,
      flagged,
      {
        type: 'CustomerTrainingRequired',
        data: { customerId: CUSTOMER_ID, requiredBy: 'lead-1', requiredAt: NOW },
      } as const,
    ].reduce(evolveCustomer, initialCustomerState);
    expect(customerStanding(state)).toMatchObject({ isFlagged: true, isTrainingRequired: true });
    expect(customerStanding(initialCustomerState)).toBeNull();
  });

  describe('the usage-based suggestion', () => {
    const day = (n: number): string => new Date(Date.parse(NOW) - n * 86_400_000).toISOString();

    it('suggests a flag at the threshold of tickets per licence in the window, and only suggests', () => {
      const usage = { licences: 2, ticketsReceivedAt: [day(1), day(2), day(3), day(29)], now: NOW };
      expect(suggestFlag(usage, FIRST_POLICY)).toEqual({
        isSuggested: true,
        ticketsInWindow: 4,
        ticketsPerLicence: 2,
        threshold: 2,
        windowDays: 30,
      });
    });

    it('does not count tickets older than the window', () => {
      const usage = { licences: 2, ticketsReceivedAt: [day(1), day(2), day(3), day(30), day(45)], now: NOW };
      expect(suggestFlag(usage, FIRST_POLICY)).toMatchObject({
        isSuggested: false,
        ticketsInWindow: 3,
        ticketsPerLicence: 1.5,
      });
    });
  });
});

describe('customerDecider, as the event store runs it', () => {
  it('decides its command against the state it is given', () => {
    const decider = customerDecider(aRegisterCustomer({ licences: 9, plan: 'premium' }), {
      policies: PolicyBook.of([FIRST_POLICY]) as PolicyBook,
    });
    expect(decider.initialState).toBe(initialCustomerState);
    expect(decider.decide(decider.initialState)).toBeInstanceOf(PlanNotEligible);
    expect(decider.decide(decider.evolve(decider.initialState, aCustomerRegistered({ licences: 9 })))).toEqual([]);
  });
});
