import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import {
  ConcurrencyConflict,
  EventStoreError,
  EventStoreUnavailable,
  EventTooLarge,
  StreamHistoryHidden,
} from '@app/event-store';
import { type Problem, PROBLEM_CONTENT_TYPE, ProblemException, problemOf } from './problem';

const STATUS_OF_KIND: Readonly<Record<string, number>> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'policy-refusal': 422,
};

const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
};

/** The shape shared by the domain's and the policy library's refusals: a stable `code` and a `kind`. */
interface Refusal extends Error {
  readonly code: string;
  readonly kind: string;
}

const isRefusal = (error: unknown): error is Refusal =>
  error instanceof Error &&
  typeof (error as Partial<Refusal>).code === 'string' &&
  typeof (error as Partial<Refusal>).kind === 'string' &&
  (error as Refusal).kind in STATUS_OF_KIND;

/** The structured fields of a refusal, which clients may rely on alongside its code. */
const fieldsOf = (error: Error): Record<string, unknown> =>
  Object.fromEntries(Object.entries(error).filter(([name]) => !['code', 'kind', 'name', 'message'].includes(name)));

const REQUEST_ERROR_DETAILS: Readonly<Record<number, string>> = {
  400: 'The request body is not valid JSON.',
  413: 'The request body is larger than the 100 kB limit.',
  415: 'The request body is in an encoding or character set the engine does not read.',
};

/** Errors that body-parser and Express raise before a route runs carry their own 4xx status. */
const statusOfRequestError = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

const httpDetail = (exception: HttpException): string => {
  const body = exception.getResponse();
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  return typeof message === 'string' ? message : exception.message;
};

const sentence = (text: string): string => {
  const trimmed = text.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
};

/** Every error leaves the API as `application/problem+json` with a human sentence and a stable code. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    // A ProblemException is worded where it is raised, which also logs it at the level it deserves.
    if (problem.status >= 500 && !(exception instanceof ProblemException)) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (exception instanceof ProblemException) response.set(exception.headers);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof ProblemException) return exception.problem;
    if (isRefusal(exception)) {
      const status = STATUS_OF_KIND[exception.kind] ?? 400;
      return problemOf(status, exception.code, sentence(exception.message), fieldsOf(exception));
    }
    if (exception instanceof ConcurrencyConflict) {
      return problemOf(
        409,
        exception.code,
        'Someone else changed this record at the same moment, and retrying did not settle it; read it again and retry.',
      );
    }
    if (exception instanceof EventTooLarge) return problemOf(413, exception.code, sentence(exception.message));
    if (exception instanceof StreamHistoryHidden) {
      return problemOf(
        503,
        exception.code,
        'The event store no longer returns the earlier events of this record, so it cannot be changed; an operator must restore them.',
      );
    }
    if (exception instanceof EventStoreUnavailable) {
      return problemOf(503, exception.code, 'The event store is not answering; try again shortly.');
    }
    if (exception instanceof EventStoreError) return problemOf(400, exception.code, sentence(exception.message));
    if (exception instanceof ThrottlerException) {
      return problemOf(429, 'rate-limited', 'Too many requests with this API key; wait for the time in Retry-After.');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return problemOf(status, CODE_OF_STATUS[status] ?? 'error', sentence(httpDetail(exception)));
    }
    const requestStatus = statusOfRequestError(exception);
    if (requestStatus !== undefined) {
      const detail = REQUEST_ERROR_DETAILS[requestStatus] ?? 'The request cannot be read.';
      return problemOf(requestStatus, CODE_OF_STATUS[requestStatus] ?? 'bad-request', detail);
    }
    return problemOf(500, 'internal-error', 'Something went wrong on our side; the error has been logged.');
  }
}
