import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { ProblemException } from '../http/problem';

export const CSV = 'text/csv';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cell).join('; ');
  if (typeof value === 'object') return Object.values(value).map(cell).join(' ');
  return String(value);
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
  const accepted = request.accepts(['application/json', CSV]);
  if (!accepted) {
    throw ProblemException.of(406, 'not-acceptable', 'Reports are served as application/json or text/csv.', {
      accepted: ['application/json', CSV],
    });
  }
  if (accepted === 'application/json') return { items: rows };
  response.type(`${CSV}; charset=utf-8; header=present`);
  response.attachment(`${name}.csv`);
  return stringify(
    rows.map((row) => columns.map((column) => cell(row[column]))),
    { header: true, columns: [...columns], record_delimiter: 'windows' },
  );
};
