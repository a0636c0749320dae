import { FIRST_RESPONSE_CLOCK, type TicketState } from '@app/domain';
import type { Scenario } from './scenario';

const generationOf = (state: TicketState): number => (state.status === 'NotOpened' ? 0 : state.clock.timerGeneration);

/**
 * A day of support on Monday 2026-11-30 (Toronto is UTC-5), touching every read model:
 * - Acme (premium, 20 licences): `acme-late` is at risk, breached, escalated, then answered late; `acme-quick` is
 *   answered in time; `acme-open` is still waiting.
 * - Bolt (standard, 5 licences): flagged, then training required, which pauses `bolt-slow`; `bolt-extra` is out of
 *   scope and billed 2 hours of professional services.
 */
export const supportDay = async (scenario: Scenario): Promise<void> => {
  await scenario.customer(
    { type: 'RegisterCustomer', data: { customerId: 'acme', name: 'Acme', licences: 20, plan: 'premium' } },
    '2026-11-30T13:00:00.000Z',
  );
  await scenario.customer(
    { type: 'RegisterCustomer', data: { customerId: 'bolt', name: 'Bolt', licences: 5, plan: 'standard' } },
    '2026-11-30T13:00:00.000Z',
  );
  const open = (ticketId: string, customerId: string, channel: 'forum' | 'email', receivedAt: string) =>
    scenario.ticket(
      { type: 'OpenTicket', data: { ticketId, customerId, channel, subject: `About ${ticketId}`, receivedAt } },
      receivedAt,
    );
  const timer = (type: 'RecordSlaAtRisk' | 'RecordSlaBreach' | 'EscalateSlaBreach', ticketId: string, now: string) =>
    scenario.ticket(
      {
        type,
        data: {
          ticketId,
          clockId: FIRST_RESPONSE_CLOCK,
          timerGeneration: generationOf(scenario.ticketState(ticketId)),
        },
      },
      now,
      'system',
    );

  await open('acme-late', 'acme', 'email', '2026-11-30T15:00:00.000Z');
  await open('bolt-slow', 'bolt', 'forum', '2026-11-30T15:05:00.000Z');
  await open('acme-quick', 'acme', 'forum', '2026-11-30T15:10:00.000Z');
  await open('bolt-extra', 'bolt', 'forum', '2026-11-30T15:20:00.000Z');
  await scenario.ticket({ type: 'RecordResponse', data: { ticketId: 'acme-quick' } }, '2026-11-30T16:10:00.000Z');
  await scenario.ticket(
    { type: 'MarkTicketOutOfScope', data: { ticketId: 'bolt-extra', category: 'beyond-plan', note: 'custom report' } },
    '2026-11-30T16:30:00.000Z',
  );
  await scenario.ticket(
    { type: 'OfferProfessionalServices', data: { ticketId: 'bolt-extra' } },
    '2026-11-30T16:31:00.000Z',
  );
  await scenario.ticket(
    { type: 'BillProfessionalServices', data: { ticketId: 'bolt-extra', hours: 2 } },
    '2026-11-30T17:00:00.000Z',
  );
  await scenario.customer(
    { type: 'FlagCustomerForExcessiveRequests', data: { customerId: 'bolt', reason: 'many basic questions' } },
    '2026-11-30T17:10:00.000Z',
    'agent',
  );
  await scenario.customer(
    { type: 'RequireTraining', data: { customerId: 'bolt' } },
    '2026-11-30T17:15:00.000Z',
    'lead',
  );
  await scenario.ticket(
    { type: 'PauseSlaClockForTraining', data: { ticketId: 'bolt-slow' } },
    '2026-11-30T17:15:00.000Z',
    'system',
  );
  await timer('RecordSlaAtRisk', 'acme-late', '2026-11-30T18:00:00.000Z');
  await timer('RecordSlaBreach', 'acme-late', '2026-11-30T19:00:00.000Z');
  await timer('EscalateSlaBreach', 'acme-late', '2026-11-30T20:00:00.000Z');
  await scenario.ticket({ type: 'RecordResponse', data: { ticketId: 'acme-late' } }, '2026-11-30T20:30:00.000Z');
  await open('acme-open', 'acme', 'email', '2026-11-30T21:00:00.000Z');
};
