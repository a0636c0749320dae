import { PLANS, type Plan, type Policy, type PolicyLookup, planTerms } from '@app/policy';
import type { Decider } from '@app/kernel';
import { assertNever, type DomainError, InvalidCommand, PolicyVersionUnknown, UnknownCommand } from '../domain-error';
import {
  checkEnvelope,
  checkExternalId,
  checkExternalSource,
  checkInstant,
  checkLine,
  checkOneOf,
  checkOptionalLine,
  checkOptionalText,
  checkText,
  firstProblem,
} from '../validation';
import type {
  AssignPlan,
  ChangeLicences,
  ClearExcessiveRequestsFlag,
  CustomerCommand,
  FlagCustomerForExcessiveRequests,
  RecordTrainingCompleted,
  RegisterCustomer,
  RequireTraining,
  SetCustomerExternalRef,
} from './customer.commands';
import { CustomerAlreadyRegistered, CustomerNotFound, PlanNotEligible } from './customer.errors';
import type { CustomerEvent } from './customer.events';
import { type CustomerState, evolveCustomer, initialCustomerState } from './customer.state';

/** What deciding a customer command needs besides the stream: the policy book (the version in force at `now`). */
export interface CustomerContext {
  readonly policies: PolicyLookup;
}

type Registered = Extract<CustomerState, { status: 'Registered' }>;
type Decision = readonly CustomerEvent[] | DomainError;

export const MAX_LICENCES = 1_000_000;

const checkLicences = (value: unknown): InvalidCommand | null =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_LICENCES
    ? null
    : new InvalidCommand('licences', `must be a whole number from 0 to ${MAX_LICENCES}`);

const requiredLicences = (policy: Policy, plan: Plan): number => planTerms(policy, plan).minimumLicences;

const MAX_EXTERNAL_REFS = 20;

const checkExternalRefs = (refs: unknown): InvalidCommand | null => {
  if (refs === undefined) return null;
  if (typeof refs !== 'object' || refs === null || Array.isArray(refs)) {
    return new InvalidCommand('externalRefs', 'must be an object of source: id');
  }
  const entries = Object.entries(refs);
  if (entries.length > MAX_EXTERNAL_REFS) {
    return new InvalidCommand('externalRefs', `must name at most ${MAX_EXTERNAL_REFS} sources`);
  }
  return firstProblem(
    ...entries.flatMap(([source, id]) => [
      checkExternalSource(`externalRefs.${source}`, source),
      checkExternalId(`externalRefs.${source}`, id),
    ]),
  );
};

const isSameRefs = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> = {}): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([source, id]) => b[source] === id);

const registerCustomer = ({ data, metadata }: RegisterCustomer, state: CustomerState, policy: Policy): Decision => {
  const problem = firstProblem(
    checkLine('name', data.name, 200),
    checkLicences(data.licences),
    checkOneOf('plan', data.plan, PLANS),
    checkExternalRefs(data.externalRefs),
  );
  if (problem) return problem;
  if (state.status === 'Registered') {
    const isSame =
      state.name === data.name &&
      state.licences === data.licences &&
      state.plan === data.plan &&
      isSameRefs(state.externalRefs, data.externalRefs);
    return isSame ? [] : new CustomerAlreadyRegistered(data.customerId);
  }
  const required = requiredLicences(policy, data.plan);
  if (data.licences < required) return new PlanNotEligible(data.plan, data.licences, required);
  return [
    {
      type: 'CustomerRegistered',
      data: {
        customerId: data.customerId,
        name: data.name,
        licences: data.licences,
        plan: data.plan,
        policyVersion: policy.version,
        registeredBy: metadata.actor.id,
        registeredAt: metadata.now,
        ...(data.externalRefs && Object.keys(data.externalRefs).length > 0
          ? { externalRefs: { ...data.externalRefs } }
          : {}),
      },
    },
  ];
};

const changeLicences = ({ data, metadata }: ChangeLicences, state: Registered, policy: Policy): Decision => {
  const problem = checkLicences(data.licences);
  if (problem) return problem;
  if (data.licences === state.licences) return [];
  const required = requiredLicences(policy, state.plan);
  const isEligible = data.licences >= required;
  const changed: CustomerEvent = {
    type: 'CustomerLicencesChanged',
    data: {
      customerId: state.customerId,
      previousLicences: state.licences,
      licences: data.licences,
      changedBy: metadata.actor.id,
      changedAt: metadata.now,
    },
  };
  const facts = { customerId: state.customerId, plan: state.plan, licences: data.licences, required };
  if (state.isPlanEligible && !isEligible) {
    return [
      changed,
      { type: 'PlanEligibilityLost', data: { ...facts, policyVersion: policy.version, lostAt: metadata.now } },
    ];
  }
  if (!state.isPlanEligible && isEligible) {
    return [
      changed,
      { type: 'PlanEligibilityRegained', data: { ...facts, policyVersion: policy.version, regainedAt: metadata.now } },
    ];
  }
  return [changed];
};

const assignPlan = ({ data, metadata }: AssignPlan, state: Registered, policy: Policy): Decision => {
  const problem = checkOneOf('plan', data.plan, PLANS);
  if (problem) return problem;
  if (data.plan === state.plan) return [];
  const required = requiredLicences(policy, data.plan);
  if (state.licences < required) return new PlanNotEligible(data.plan, state.licences, required);
  return [
    {
      type: 'PlanAssigned',
      data: {
        customerId: state.customerId,
        plan: data.plan,
        previousPlan: state.plan,
        licences: state.licences,
        policyVersion: policy.version,
        assignedBy: metadata.actor.id,
        assignedAt: metadata.now,
      },
    },
  ];
};

/** When a dated customer fact occurred: `occurredAt` when given, else `now`. */
const occurrence = ({ data, metadata }: { data: { occurredAt?: unknown }; metadata: { now: string } }) =>
  data.occurredAt === undefined
    ? metadata.now
    : (checkInstant('occurredAt', data.occurredAt) ?? new Date(data.occurredAt as string).toISOString());

const flagCustomer = (command: FlagCustomerForExcessiveRequests, state: Registered): Decision => {
  const { data, metadata } = command;
  const problem = firstProblem(checkText('reason', data.reason), checkOptionalLine('ticketId', data.ticketId));
  if (problem) return problem;
  const flaggedAt = occurrence(command);
  if (flaggedAt instanceof InvalidCommand) return flaggedAt;
  if (state.flag) return [];
  return [
    {
      type: 'CustomerFlaggedForExcessiveRequests',
      data: {
        customerId: state.customerId,
        reason: data.reason,
        flaggedBy: metadata.actor.id,
        flaggedAt,
        ...(data.ticketId === undefined ? {} : { ticketId: data.ticketId }),
      },
    },
  ];
};

const clearFlag = (command: ClearExcessiveRequestsFlag, state: Registered): Decision => {
  const { data, metadata } = command;
  const problem = checkOptionalText('reason', data.reason);
  if (problem) return problem;
  const clearedAt = occurrence(command);
  if (clearedAt instanceof InvalidCommand) return clearedAt;
  if (!state.flag) return [];
  return [
    {
      type: 'CustomerFlagCleared',
      data: {
        customerId: state.customerId,
        clearedBy: metadata.actor.id,
        clearedAt,
        ...(data.reason === undefined ? {} : { reason: data.reason }),
      },
    },
  ];
};

const requireTraining = (command: RequireTraining, state: Registered): Decision => {
  const requiredAt = occurrence(command);
  if (requiredAt instanceof InvalidCommand) return requiredAt;
  if (state.isTrainingRequired) return [];
  return [
    {
      type: 'CustomerTrainingRequired',
      data: { customerId: state.customerId, requiredBy: command.metadata.actor.id, requiredAt },
    },
  ];
};

const recordTrainingCompleted = (command: RecordTrainingCompleted, state: Registered): Decision => {
  const completedAt = occurrence(command);
  if (completedAt instanceof InvalidCommand) return completedAt;
  if (!state.isTrainingRequired) return [];
  return [
    {
      type: 'CustomerTrainingCompleted',
      data: { customerId: state.customerId, recordedBy: command.metadata.actor.id, completedAt },
    },
  ];
};

const setExternalRef = ({ data, metadata }: SetCustomerExternalRef, state: Registered): Decision => {
  const problem = firstProblem(
    checkExternalSource('source', data.source),
    checkExternalId('externalId', data.externalId),
  );
  if (problem) return problem;
  const previousExternalId = state.externalRefs[data.source];
  if (previousExternalId === data.externalId) return [];
  return [
    {
      type: 'CustomerExternalRefSet',
      data: {
        customerId: state.customerId,
        source: data.source,
        externalId: data.externalId,
        ...(previousExternalId === undefined ? {} : { previousExternalId }),
        setBy: metadata.actor.id,
        setAt: metadata.now,
      },
    },
  ];
};

const decideRegistered = (command: CustomerCommand, state: Registered, policy: Policy): Decision => {
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command, state, policy);
    case 'ChangeLicences':
      return changeLicences(command, state, policy);
    case 'AssignPlan':
      return assignPlan(command, state, policy);
    case 'FlagCustomerForExcessiveRequests':
      return flagCustomer(command, state);
    case 'ClearExcessiveRequestsFlag':
      return clearFlag(command, state);
    case 'RequireTraining':
      return requireTraining(command, state);
    case 'RecordTrainingCompleted':
      return recordTrainingCompleted(command, state);
    case 'SetCustomerExternalRef':
      return setExternalRef(command, state);
    default:
      return assertNever(command, new UnknownCommand((command as { type: string }).type));
  }
};

/** Decides a customer command against the customer's state; returns the new events, `[]`, or the refusal. */
export const decideCustomer = (command: CustomerCommand, state: CustomerState, context: CustomerContext): Decision => {
  const problem = checkEnvelope(command, 'customerId');
  if (problem) return problem;
  const policy = context.policies.inForceAt(command.metadata.now);
  if (!policy) return new PolicyVersionUnknown(command.metadata.now);
  if (state.status === 'Registered') return decideRegistered(command, state, policy);
  return command.type === 'RegisterCustomer'
    ? registerCustomer(command, state, policy)
    : new CustomerNotFound(command.data.customerId);
};

/** The customer decider for `handleCommand`, closed over one command and its context. */
export const customerDecider = (
  command: CustomerCommand,
  context: CustomerContext,
): Decider<CustomerState, CustomerEvent, DomainError> => ({
  initialState: initialCustomerState,
  evolve: evolveCustomer,
  decide: (state: CustomerState): Decision => decideCustomer(command, state, context),
});
