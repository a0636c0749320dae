import type { ArgumentsHost } from '@nestjs/common';
import { Logger, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { CustomerNotFound, PlanNotEligible, TicketResolvedAlready, InvalidCommand, NotAllowed } from '@app/domain';
import { ConcurrencyConflict, EventStoreUnavailable, StreamHistoryHidden } from '@app/event-store';
import { InvalidPolicyVersion } from '@app/policy';
import { ProblemException } from './problem';
import { ProblemFilter } from './problem.filter';

interface Sent {
  status?: number;
  type?: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

const answerTo = (exception: unknown): Sent => {
  const sent: Sent = {};
  const response = {
    status(status: number) {
      sent.status = status;
      return response;
    },
    type(type: string) {
      sent.type = type;
      return response;
    },
    set(headers: Record<string, string>) {
      sent.headers = { ...sent.headers, ...headers };
      return response;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
      return response;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ProblemFilter().catch(exception, host);
  return sent;
};

describe('ProblemFilter', () => {
  it.each([
    [new InvalidCommand('licences', 'must be a whole number'), 400, 'invalid-command'],
    [
      new InvalidPolicyVersion([{ path: 'calendar.timeZone', reason: 'unknown IANA time zone' }]),
      400,
      'invalid-policy-version',
    ],
    [new NotAllowed('waive a deadline', 'agent', ['lead', 'admin']), 403, 'not-allowed'],
    [new CustomerNotFound('c-1'), 404, 'customer-not-found'],
    [new TicketResolvedAlready('t-1'), 409, 'ticket-resolved'],
    [new ConcurrencyConflict('ticket-1', 3, 5), 409, 'concurrency-conflict'],
    [new PlanNotEligible('premium', 9, 10), 422, 'plan-not-eligible'],
    [new ThrottlerException(), 429, 'rate-limited'],
    [new NotFoundException('Cannot GET /nowhere'), 404, 'not-found'],
    [new EventStoreUnavailable('closed'), 503, 'event-store-unavailable'],
    [new StreamHistoryHidden('ticket-1', null, 4), 503, 'stream-history-hidden'],
  ])('answers %p with %i and code %s as a problem document with a sentence', (exception, status, code) => {
    const sent = answerTo(exception);
    expect(sent.status).toBe(status);
    expect(sent.type).toBe('application/problem+json');
    expect(sent.body).toMatchObject({ status, code, type: `urn:sla-engine:problem:${code}` });
    expect(sent.body?.detail).toMatch(/^[A-Z].*[.!?]$/);
  });

  it('words the errors of body parsing without their internals', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(answerTo(tooLarge).body).toMatchObject({
      status: 413,
      code: 'payload-too-large',
      detail: 'The request body is larger than the 100 kB limit.',
    });
  });

  it('keeps the structured fields of a domain refusal', () => {
    expect(answerTo(new PlanNotEligible('premium', 9, 10)).body).toMatchObject({
      plan: 'premium',
      licences: 9,
      required: 10,
    });
  });

  it('sends the headers of a worded problem, leaving its logging to where it was raised', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const problem = ProblemException.of(
        503,
        'recorded-answer-unavailable',
        'Recorded.',
        { ticketId: 't-1' },
        {
          'Retry-After': '5',
        },
      );
      const sent = answerTo(problem);

      expect(sent).toMatchObject({ status: 503, headers: { 'Retry-After': '5' }, body: { ticketId: 't-1' } });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('answers anything unexpected with 500 without revealing it', () => {
    const sent = answerTo(new Error('database password is hunter2'));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('hunter2');
  });
});
