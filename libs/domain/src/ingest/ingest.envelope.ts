import type { Instant } from '@app/clock';
import { CHANNELS, type Channel, SERVICES, type Service } from '@app/policy';
import { assertNever, InvalidCommand } from '../domain-error';
import {
  checkExternalId,
  checkExternalSource,
  checkInstant,
  checkLine,
  checkOneOf,
  checkOptionalLine,
  checkOptionalText,
  firstProblem,
} from '../validation';

export const INGEST_TYPES = [
  'ticket.received',
  'agent.replied',
  'customer.replied',
  'ticket.solved',
  'ticket.reopened',
  'ticket.channel_changed',
] as const;
export type IngestType = (typeof INGEST_TYPES)[number];

/** One fact a helpdesk reports, in the engine's own terms. */
export interface IngestEnvelope {
  readonly source: string;
  /** The source's id of the fact: an envelope is applied at most once per (source, sourceEventId). */
  readonly sourceEventId: string;
  readonly type: IngestType;
  readonly occurredAt: Instant;
  /** The ticket's id in the source. */
  readonly ticketRef: string;
  /** The customer's id in the source (`externalRefs.<source>`); needed by `ticket.received`. */
  readonly customerRef?: string;
  readonly data: IngestData;
}

/** What each type carries; fields another type would use are ignored. */
export interface IngestData {
  readonly subject?: string;
  readonly channel?: Channel;
  readonly service?: Service;
  readonly by?: string;
  readonly note?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const checkData = (type: IngestType, data: Record<string, unknown>): InvalidCommand | null => {
  switch (type) {
    case 'ticket.received':
      return firstProblem(
        checkLine('data.subject', data.subject, 500),
        checkOneOf('data.channel', data.channel, CHANNELS),
        data.service === undefined ? null : checkOneOf('data.service', data.service, SERVICES),
      );
    case 'agent.replied':
    case 'customer.replied':
      return checkOptionalLine('data.by', data.by);
    case 'ticket.solved':
    case 'ticket.reopened':
      return checkOptionalText('data.note', data.note);
    case 'ticket.channel_changed':
      return checkOneOf('data.channel', data.channel, CHANNELS);
    default:
      return assertNever(type, null);
  }
};

/** Checks an envelope as received; returns it in canonical form (UTC instant, known fields only) or the problem. */
export const parseIngestEnvelope = (value: unknown): IngestEnvelope | InvalidCommand => {
  if (!isRecord(value)) return new InvalidCommand('envelope', 'must be an object');
  const data = value.data === undefined ? {} : value.data;
  const problem = firstProblem(
    checkExternalSource('source', value.source),
    checkExternalId('sourceEventId', value.sourceEventId),
    checkOneOf('type', value.type, INGEST_TYPES),
    checkInstant('occurredAt', value.occurredAt),
    checkExternalId('ticketRef', value.ticketRef),
    value.customerRef === undefined ? null : checkExternalId('customerRef', value.customerRef),
    isRecord(data) ? null : new InvalidCommand('data', 'must be an object'),
  );
  if (problem) return problem;
  const type = value.type as IngestType;
  const fields = data as Record<string, unknown>;
  const dataProblem = checkData(type, fields);
  if (dataProblem) return dataProblem;
  const known: Record<string, unknown> = {};
  for (const key of ['subject', 'channel', 'service', 'by', 'note'] as const) {
    if (fields[key] !== undefined) known[key] = fields[key];
  }
  return {
    source: value.source as string,
    sourceEventId: value.sourceEventId as string,
    type,
    occurredAt: new Date(value.occurredAt as string).toISOString(),
    ticketRef: value.ticketRef as string,
    ...(value.customerRef === undefined ? {} : { customerRef: value.customerRef as string }),
    data: known as IngestData,
  };
};
