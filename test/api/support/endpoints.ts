import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, Role } from './engine';

export const FIRST_VERSION = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'policies', '2017-11-23.json'), 'utf8'),
) as Record<string, unknown>;

/** A later version, effective in 2030: publishable while the clock is before then. */
export const LATER_VERSION = {
  ...FIRST_VERSION,
  version: '2030-01-01',
  effectiveFrom: '2030-01-01T00:00:00.000-05:00',
};

/** What an endpoint needs to exist before it is called: a customer, and a ticket in some state. */
export interface Fixture {
  readonly customerId: string;
  readonly ticketId: string;
  readonly keyId: string;
}

export interface Endpoint {
  readonly method: 'GET' | 'POST';
  /** As in the OpenAPI document. */
  readonly route: string;
  readonly roles: readonly Role[];
  /** Roles the policy version in force allows to do this (POLICY §6 discretion); the others get 403 from the domain. */
  readonly policyRoles?: readonly Role[];
  /** The ticket must be out of scope first (professional services). */
  readonly needsOutOfScope?: boolean;
  readonly path: (fixture: Fixture) => string;
  /** A valid body. */
  readonly body?: (fixture: Fixture) => unknown;
}

const READERS: readonly Role[] = ['agent', 'lead', 'ops', 'auditor', 'admin'];
const WRITERS: readonly Role[] = ['agent', 'lead', 'admin'];
const ADMINS: readonly Role[] = ['admin'];
const OPERATORS: readonly Role[] = ['ops', 'admin'];

let keyNames = 0;

/** Every endpoint of the command side, with who may call it and a valid request. */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    route: '/customers',
    roles: ADMINS,
    path: () => '/customers',
    body: () => ({ name: 'Acme', licences: 25, plan: 'premium' }),
  },
  { method: 'GET', route: '/customers/{id}', roles: READERS, path: (f) => `/customers/${f.customerId}` },
  {
    method: 'POST',
    route: '/customers/{id}/licences',
    roles: ADMINS,
    path: (f) => `/customers/${f.customerId}/licences`,
    body: () => ({ licences: 30 }),
  },
  {
    method: 'POST',
    route: '/customers/{id}/plan',
    roles: ADMINS,
    path: (f) => `/customers/${f.customerId}/plan`,
    body: () => ({ plan: 'priority' }),
  },
  {
    method: 'POST',
    route: '/customers/{id}/flag',
    roles: WRITERS,
    path: (f) => `/customers/${f.customerId}/flag`,
    body: () => ({ reason: 'Too many requests on documented topics' }),
  },
  {
    method: 'POST',
    route: '/customers/{id}/flag/clear',
    roles: WRITERS,
    path: (f) => `/customers/${f.customerId}/flag/clear`,
    body: () => ({}),
  },
  {
    method: 'POST',
    route: '/customers/{id}/training/required',
    roles: WRITERS,
    path: (f) => `/customers/${f.customerId}/training/required`,
    body: () => ({}),
  },
  {
    method: 'POST',
    route: '/customers/{id}/training/completed',
    roles: WRITERS,
    path: (f) => `/customers/${f.customerId}/training/completed`,
    body: () => ({}),
  },
  {
    method: 'POST',
    route: '/tickets',
    roles: WRITERS,
    path: () => '/tickets',
    body: (f) => ({ customerId: f.customerId, channel: 'email', subject: 'Import fails' }),
  },
  { method: 'GET', route: '/tickets/{id}', roles: READERS, path: (f) => `/tickets/${f.ticketId}` },
  {
    method: 'POST',
    route: '/tickets/{id}/responses',
    roles: WRITERS,
    path: (f) => `/tickets/${f.ticketId}/responses`,
    body: () => ({ by: 'alice' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/flag-customer',
    roles: WRITERS,
    path: (f) => `/tickets/${f.ticketId}/flag-customer`,
    body: () => ({ reason: 'Fifth question on a documented topic' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/out-of-scope',
    roles: WRITERS,
    path: (f) => `/tickets/${f.ticketId}/out-of-scope`,
    body: () => ({ category: 'beyond-plan' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/professional-services/offer',
    roles: WRITERS,
    needsOutOfScope: true,
    path: (f) => `/tickets/${f.ticketId}/professional-services/offer`,
    body: () => ({ note: 'Three hours quoted' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/professional-services/billed',
    roles: WRITERS,
    needsOutOfScope: true,
    path: (f) => `/tickets/${f.ticketId}/professional-services/billed`,
    body: () => ({ hours: 1.5 }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/waiver',
    roles: WRITERS,
    policyRoles: ['lead', 'admin'],
    path: (f) => `/tickets/${f.ticketId}/waiver`,
    body: () => ({ reason: 'Customer on holiday' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/extensions',
    roles: WRITERS,
    policyRoles: ['lead', 'admin'],
    path: (f) => `/tickets/${f.ticketId}/extensions`,
    body: () => ({ extensionMinutes: 60, reason: 'Waiting for logs' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/resolve',
    roles: WRITERS,
    path: (f) => `/tickets/${f.ticketId}/resolve`,
    body: () => ({ note: 'Fixed' }),
  },
  {
    method: 'POST',
    route: '/tickets/{id}/replan',
    roles: WRITERS,
    policyRoles: ['admin'],
    path: (f) => `/tickets/${f.ticketId}/replan`,
    body: () => ({}),
  },
  { method: 'POST', route: '/policies', roles: ADMINS, path: () => '/policies', body: () => LATER_VERSION },
  { method: 'GET', route: '/policies', roles: READERS, path: () => '/policies' },
  { method: 'GET', route: '/policies/in-force', roles: READERS, path: () => '/policies/in-force' },
  { method: 'GET', route: '/policies/{version}', roles: READERS, path: () => '/policies/2017-11-23' },
  {
    method: 'POST',
    route: '/api-keys',
    roles: ADMINS,
    path: () => '/api-keys',
    body: () => ({ name: `key-${++keyNames}`, role: 'agent' }),
  },
  { method: 'GET', route: '/api-keys', roles: ADMINS, path: () => '/api-keys' },
  { method: 'GET', route: '/alerts/deliveries', roles: OPERATORS, path: () => '/alerts/deliveries' },
  {
    method: 'POST',
    route: '/alerts/deliveries/redrive',
    roles: OPERATORS,
    path: () => '/alerts/deliveries/redrive',
    body: () => ({ all: true }),
  },
  {
    method: 'POST',
    route: '/api-keys/{id}/rotate',
    roles: ADMINS,
    path: (f) => `/api-keys/${f.keyId}/rotate`,
    body: () => ({ graceMinutes: 5 }),
  },
  {
    method: 'POST',
    route: '/api-keys/{id}/revoke',
    roles: ADMINS,
    path: (f) => `/api-keys/${f.keyId}/revoke`,
    body: () => ({}),
  },
];

/** A premium customer with one open ticket, optionally marked out of scope. */
export const createFixture = async (engine: Engine, isOutOfScope = false): Promise<Fixture> => {
  const customer = await engine.call('POST', '/customers', {
    as: 'admin',
    body: { name: 'Fixture Co', licences: 25, plan: 'premium' },
  });
  const customerId = String(customer.json.id);
  const ticket = await engine.call('POST', '/tickets', {
    as: 'agent',
    body: { customerId, channel: 'email', subject: 'Fixture ticket' },
  });
  const ticketId = String(ticket.json.id);
  if (isOutOfScope) {
    await engine.call('POST', `/tickets/${ticketId}/out-of-scope`, { as: 'agent', body: { category: 'beyond-plan' } });
  }
  const key = await engine.call('POST', '/api-keys', {
    as: 'admin',
    body: { name: `fixture-${++keyNames}`, role: 'agent' },
  });
  return { customerId, ticketId, keyId: String(key.json.id) };
};
