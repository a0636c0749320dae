import {
  decideExternalRefClaim,
  evolveCustomer,
  ExternalRefTaken,
  initialCustomerState,
  InvalidCommand,
} from '@app/domain';
import { metadata, NOW } from '../test-support/commands';
import {
  aCustomerCommand,
  aCustomerRegistered,
  aRegisterCustomer,
  CUSTOMER_ID,
  customerSpec,
} from '../test-support/customer-builders';

const admin = metadata({ role: 'admin' });

describe('Customer external references, when not registered', () => {
  it('registers the customer with its references in other systems', () =>
    customerSpec([])
      .when({
        ...aRegisterCustomer({ meta: admin }),
        data: { ...aRegisterCustomer().data, externalRefs: { zendesk: '10002' } },
      })
      .then([
        { ...aCustomerRegistered(), data: { ...aCustomerRegistered().data, externalRefs: { zendesk: '10002' } } },
      ]));

  it('refuses a source name it cannot keep', () =>
    customerSpec([])
      .when({ ...aRegisterCustomer(), data: { ...aRegisterCustomer().data, externalRefs: { 'Zen Desk': '1' } } })
      .thenRefused(InvalidCommand, { field: 'externalRefs.Zen Desk' }));
});

describe('Customer external references, when registered', () => {
  it('reads a registration recorded before references existed as having none', () => {
    const state = evolveCustomer(initialCustomerState, aCustomerRegistered());
    expect(state).toMatchObject({ externalRefs: {} });
  });

  it('sets a reference, naming the one it replaces', () =>
    customerSpec([
      aCustomerRegistered(),
      {
        type: 'CustomerExternalRefSet',
        data: { customerId: CUSTOMER_ID, source: 'zendesk', externalId: '1', setBy: 'admin-1', setAt: NOW },
      },
    ])
      .when(aCustomerCommand('SetCustomerExternalRef', { source: 'zendesk', externalId: '10002' }))
      .then([
        {
          type: 'CustomerExternalRefSet',
          data: {
            customerId: CUSTOMER_ID,
            source: 'zendesk',
            externalId: '10002',
            previousExternalId: '1',
            setBy: 'admin-1',
            setAt: NOW,
          },
        },
      ]));

  it('sets nothing when the customer already has that reference', () =>
    customerSpec([
      { ...aCustomerRegistered(), data: { ...aCustomerRegistered().data, externalRefs: { zendesk: '10002' } } },
    ])
      .when(aCustomerCommand('SetCustomerExternalRef', { source: 'zendesk', externalId: '10002' }))
      .then([]));
});

describe('A reference in a source', () => {
  const claim = {
    type: 'ClaimCustomerExternalRef',
    data: { source: 'zendesk', externalId: '10002', customerId: 'acme' },
    metadata: admin,
  } as const;

  it('is claimed by the first customer', () =>
    expect(decideExternalRefClaim(claim, null, false)).toEqual([
      { type: 'CustomerExternalRefClaimed', data: { ...claim.data, claimedAt: NOW } },
    ]));

  it('is refused to another customer while its holder carries it', () =>
    expect(decideExternalRefClaim(claim, 'globex', true)).toEqual(new ExternalRefTaken('zendesk', '10002', 'globex')));

  it('is claimed again once its holder moved to another id', () =>
    expect(decideExternalRefClaim(claim, 'globex', false)).toHaveLength(1));

  it('changes nothing when its holder claims it again', () =>
    expect(decideExternalRefClaim(claim, 'acme', true)).toEqual([]));
});
