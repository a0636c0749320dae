import { BEYOND_PLAN_CATEGORY } from '@app/domain';
import { aCustomerCommand, aCustomerRegistered, customerDecided } from '@app/domain/test-support/customer-builders';
import { aTicketCommand, aTicketOpened, decided } from '@app/domain/test-support/ticket-builders';
import { rowsAfter } from '../test-support/given-events';

const customers = async (given: Parameters<typeof rowsAfter>[0]) =>
  (await rowsAfter(given, 'customers', 'customer_id')).rows;

describe('customers projection', () => {
  const registered = [aCustomerRegistered()];
  const row = (o: Record<string, unknown> = {}) => ({
    customer_id: 'acme',
    name: 'Acme',
    licences: 12,
    plan: 'premium',
    policy_version: '2017-11-23',
    is_plan_eligible: 1,
    required_licences: null,
    is_flagged: 0,
    flag_reason: null,
    flagged_at: null,
    is_training_required: 0,
    training_completed_at: null,
    registered_at: '2026-11-30T15:00:00.000Z',
    external_refs: '{}',
    ...o,
  });

  it('adds a row when a customer is registered', async () => {
    expect(await customers(registered)).toEqual([row()]);
  });

  it('keeps the references given at registration, and each one set later', async () => {
    const withRef = [
      { ...aCustomerRegistered(), data: { ...aCustomerRegistered().data, externalRefs: { zendesk: '84' } } },
    ];
    const setRef = (source: string, externalId: string) =>
      aCustomerCommand('SetCustomerExternalRef', { source, externalId });
    const later = customerDecided(customerDecided(withRef, setRef('zendesk', '85')), setRef('hubspot', 'h-1'));
    expect(await customers(withRef)).toEqual([row({ external_refs: '{"zendesk":"84"}' })]);
    expect(await customers(later)).toEqual([row({ external_refs: '{"zendesk":"85","hubspot":"h-1"}' })]);
  });

  it('changes the row when the customer is flagged, then when the flag is cleared', async () => {
    const flagged = customerDecided(
      registered,
      aCustomerCommand('FlagCustomerForExcessiveRequests', { reason: 'twelve tickets on documented topics' }),
    );
    expect(await customers(flagged)).toEqual([
      row({
        is_flagged: 1,
        flag_reason: 'twelve tickets on documented topics',
        flagged_at: '2026-11-30T15:00:00.000Z',
      }),
    ]);
    expect(await customers(customerDecided(flagged, aCustomerCommand('ClearExcessiveRequestsFlag', {})))).toEqual([
      row(),
    ]);
  });

  it('adds up the professional services billed to the customer’s tickets, per currency; no event removes a row', async () => {
    const outOfScope = decided(
      [aTicketOpened()],
      aTicketCommand('MarkTicketOutOfScope', { category: BEYOND_PLAN_CATEGORY }),
    );
    const bill = (hours: number) => aTicketCommand('BillProfessionalServices', { hours });
    // POLICY §5 at the first version's rate, 150 an hour
    const billed = decided(decided(outOfScope, bill(2)), bill(1.5));
    const given = [...registered, ...billed];
    expect((await rowsAfter(given, 'customer_billing', 'customer_id, currency')).rows).toEqual([
      { customer_id: 'acme', currency: 'CAD', hours: 3.5, amount: 525, entries: 2 },
    ]);
    expect(await customers(given)).toEqual([row()]);
  });

  it('ignores a ticket event other than billing', async () => {
    expect(
      await customers([...registered, ...decided([aTicketOpened()], aTicketCommand('RecordResponse', {}))]),
    ).toEqual([row()]);
  });
});
