import { HttpException } from '@nestjs/common';

/** RFC 9457 problem details, with the engine's stable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly [field: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export const problemOf = (status: number, code: string, detail: string, fields: object = {}): Problem => ({
  ...fields,
  type: `urn:sla-engine:problem:${code}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  code,
});

/** An answer the API refuses with, already worded for the caller, with the response headers it needs. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem, problem.status);
  }

  static of(
    status: number,
    code: string,
    detail: string,
    fields: object = {},
    headers: Readonly<Record<string, string>> = {},
  ): ProblemException {
    return new ProblemException(problemOf(status, code, detail, fields), headers);
  }
}
