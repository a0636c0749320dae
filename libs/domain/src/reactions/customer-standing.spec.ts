import { commandFor, misalignedAspects, standingReactionTo, standingSince } from './customer-standing';

const NOW = '2026-11-30T15:00:00.000Z';
const FLAGGED = { isFlagged: true, isTrainingRequired: false, flaggedAt: '2026-11-30T14:00:00.000Z' };
const NEITHER = { isFlagged: false, isTrainingRequired: false };

describe('POLICY §4: which tickets a change of standing reaches', () => {
  it.each([
    ['CustomerFlaggedForExcessiveRequests', 'flag'],
    ['CustomerFlagCleared', 'flag'],
    ['CustomerTrainingRequired', 'training'],
    ['CustomerTrainingCompleted', 'training'],
  ] as const)('given %s, then every open ticket of the customer, for its %s', (type, aspect) => {
    expect(standingReactionTo({ type, data: { customerId: 'c-1' } })).toEqual({
      customerId: 'c-1',
      tickets: 'open',
      aspect,
    });
  });

  it('given a ticket opened, then that ticket, with the standing it was opened with', () => {
    const opened = { type: 'TicketOpened', data: { ticketId: 't-1', customerId: 'c-1', standing: NEITHER } };
    expect(standingReactionTo(opened)).toEqual({
      customerId: 'c-1',
      tickets: 'opened',
      ticketId: 't-1',
      atOpening: NEITHER,
    });
  });

  it('given any other event, then no ticket', () => {
    expect(standingReactionTo({ type: 'TicketResolved', data: { ticketId: 't-1' } })).toBeNull();
    expect(standingReactionTo({ type: 'CustomerRegistered', data: { customerId: 'c-1' } })).toBeNull();
  });

  it('given a flagged customer, when a ticket opened as if it were not (it read the customer before the flag), then its flag is out of line', () => {
    expect(misalignedAspects(NEITHER, FLAGGED)).toEqual(['flag']);
  });

  it('given a flagged customer, when a ticket opened already relaxed, then nothing is out of line', () => {
    expect(misalignedAspects(FLAGGED, FLAGGED)).toEqual([]);
    expect(misalignedAspects(NEITHER, { isFlagged: true, isTrainingRequired: true })).toEqual(['flag', 'training']);
  });

  it.each([
    ['flag', { isFlagged: true, isTrainingRequired: false }, 'RelaxSla'],
    ['flag', { isFlagged: false, isTrainingRequired: true }, 'EndSlaRelaxation'],
    ['training', { isFlagged: false, isTrainingRequired: true }, 'PauseSlaClockForTraining'],
    ['training', { isFlagged: true, isTrainingRequired: false }, 'ResumeSlaClock'],
  ] as const)('brings the %s of a ticket in line with a customer standing %j by %s', (aspect, standing, command) => {
    expect(commandFor(aspect, standing)).toBe(command);
  });

  it('dates a relaxation from the flag, and the end of one from the clearing that caused it', () => {
    expect(standingSince('RelaxSla', FLAGGED, { type: 'CustomerFlaggedForExcessiveRequests', data: {} })).toBe(
      FLAGGED.flaggedAt,
    );
    expect(standingSince('EndSlaRelaxation', NEITHER, { type: 'CustomerFlagCleared', data: { clearedAt: NOW } })).toBe(
      NOW,
    );
    expect(standingSince('EndSlaRelaxation', NEITHER, { type: 'TicketOpened', data: {} })).toBeUndefined();
  });
});
