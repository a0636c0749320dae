import type { Plan } from '@app/policy';
import { type CustomerCommand, type CustomerEvent, customerDecider } from '../customer';
import type { CommandMetadata } from '@app/kernel';
import { FIRST_POLICY, bookOf } from './policies';
import { metadata, NOW } from './commands';
import { specify } from './given-when-then';

export const CUSTOMER_ID = 'acme';

export const customerSpec = specify(customerDecider, { policies: bookOf(FIRST_POLICY) });

/** The events a command adds to a customer's history; fails the test on a refusal. */
export const customerDecided = (given: readonly CustomerEvent[], command: CustomerCommand): CustomerEvent[] => {
  const decider = customerDecider(command, { policies: bookOf(FIRST_POLICY) });
  const result = decider.decide(given.reduce(decider.evolve, decider.initialState));
  if (result instanceof Error) throw result;
  return [...given, ...result];
};

type Meta = { meta?: CommandMetadata };

export const aCustomerRegistered = (
  o: { licences?: number; plan?: Plan; name?: string } = {},
): Extract<CustomerEvent, { type: 'CustomerRegistered' }> => ({
  type: 'CustomerRegistered',
  data: {
    customerId: CUSTOMER_ID,
    name: o.name ?? 'Acme',
    licences: o.licences ?? 12,
    plan: o.plan ?? 'premium',
    policyVersion: '2017-11-23',
    registeredBy: 'admin-1',
    registeredAt: NOW,
  },
});

export const aRegisterCustomer = (
  o: { licences?: number; plan?: Plan; name?: string } & Meta = {},
): Extract<CustomerCommand, { type: 'RegisterCustomer' }> => ({
  type: 'RegisterCustomer',
  data: { customerId: CUSTOMER_ID, name: o.name ?? 'Acme', licences: o.licences ?? 12, plan: o.plan ?? 'premium' },
  metadata: o.meta ?? metadata({ role: 'admin' }),
});

export const aCustomerCommand = <T extends CustomerCommand['type']>(
  type: T,
  data: Omit<Extract<CustomerCommand, { type: T }>['data'], 'customerId'>,
  meta: CommandMetadata = metadata({ role: 'admin' }),
): Extract<CustomerCommand, { type: T }> =>
  ({ type, data: { customerId: CUSTOMER_ID, ...data }, metadata: meta }) as unknown as Extract<
    CustomerCommand,
    { type: T }
  >;
