import { z } from 'zod';
import { CHANNELS, PLANS } from '@app/policy';
import { PERIODS } from './periods';

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/** The parameters of a report, as the API and the CLI accept them; instants normalised to UTC. */
export const REPORT_FILTER_SHAPE = {
  from: instant.optional(),
  to: instant.optional(),
  period: z.enum(PERIODS).default('month'),
  plan: z.enum(PLANS).optional(),
  customerId: z.string().min(1).max(100).optional(),
  agent: z.string().min(1).max(100).optional(),
  channel: z.enum(CHANNELS).optional(),
};

export const isRangeOrdered = ({
  from,
  to,
}: {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}): boolean => !from || !to || Date.parse(from) < Date.parse(to);
