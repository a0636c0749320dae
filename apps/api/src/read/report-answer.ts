import type { Request, Response } from 'express';
import { toCsv } from '@app/projections';
import { ProblemException } from '../http/problem';

export const CSV = 'text/csv';

/** `application/json` or `text/csv`, as the caller accepts; any other media type is refused with 406. */
export const acceptedReportType = (request: Request): 'application/json' | typeof CSV => {
  const accepted = request.accepts(['application/json', CSV]);
  if (!accepted) {
    throw ProblemException.of(406, 'not-acceptable', 'Reports are served as application/json or text/csv.', {
      accepted: ['application/json', CSV],
    });
  }
  return accepted === CSV ? CSV : 'application/json';
};

/**
 * A report as the caller accepts it: JSON by default, RFC 4180 CSV (header row, CRLF) for `Accept: text/csv`, the
 * columns in the given order; any other media type is refused with 406.
 */
export const answerReport = <Row extends object>(
  request: Request,
  response: Response,
  name: string,
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
): { items: readonly Row[] } | string => {
  if (acceptedReportType(request) === 'application/json') return { items: rows };
  response.type(`${CSV}; charset=utf-8; header=present`);
  response.attachment(`${name}.csv`);
  return toCsv(columns, rows);
};
