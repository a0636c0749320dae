import { Logger } from '@nestjs/common';
import { FixedClock } from '@app/clock';
import { parseConfig } from '@app/config';
import { UPCASTERS } from '@app/domain';
import { openEventStore } from '@app/event-store';
import { aNewEvent } from '@app/event-store/test-support/events';
import { ProblemException } from '../http/problem';
import { CommandRunner } from './command-runner';

describe('CommandRunner, answering a recorded command', () => {
  it('turns a failure to build the answer into 503 recorded-answer-unavailable naming the ticket, with a warning', async () => {
    const runner = new CommandRunner(
      await openEventStore('memory:', UPCASTERS),
      new FixedClock('2026-11-30T15:00:00.000Z'),
      parseConfig({}, false),
    );
    const event = aNewEvent('TicketResponded');
    const responded = {
      ...event,
      metadata: { ...event.metadata, schemaVersion: 1 },
      stream: 'ticket-t-1',
      revision: 1,
      position: 2,
    };
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const answer = runner.answer({ ticketId: 't-1' }, { state: {}, events: [responded], revision: 1 }, () => {
        throw new RangeError('no calendar for this policy version');
      });

      await expect(answer).rejects.toBeInstanceOf(ProblemException);
      await expect(answer).rejects.toMatchObject({
        problem: { status: 503, code: 'recorded-answer-unavailable', ticketId: 't-1' },
        headers: { 'Retry-After': '5' },
      });
      expect(warned).toHaveBeenCalledWith(
        expect.stringMatching(new RegExp(`^ticket t-1: recorded TicketResponded ${responded.id};.*RangeError`)),
      );
    } finally {
      warned.mockRestore();
    }
  });

  it('gives the answer it builds', async () => {
    const runner = new CommandRunner(
      await openEventStore('memory:', UPCASTERS),
      new FixedClock('2026-11-30T15:00:00.000Z'),
      parseConfig({}, false),
    );

    await expect(
      runner.answer({ customerId: 'c-1' }, { state: {}, events: [], revision: 0 }, () => 'built'),
    ).resolves.toBe('built');
  });
});
