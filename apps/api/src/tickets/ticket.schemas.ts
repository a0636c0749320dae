import { z } from 'zod';
import type { BodyOf } from '../http/zod-body.pipe';
import { CHANNELS, SERVICES } from '@app/policy';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const openTicketSchema = z.strictObject({
  customerId: z.uuid(),
  channel: z.enum(CHANNELS),
  subject: text(500),
  service: z.enum(SERVICES).optional(),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  isPaidAssistance: z.boolean().optional(),
});
/** When a fact occurred, if it is recorded after the fact: ISO-8601 with an offset; defaults to now. */
export const occurredAt = z.iso.datetime({ offset: true }).optional();

export const responseSchema = z.strictObject({ by: text(200).optional(), respondedAt: occurredAt });
export const reasonSchema = z.strictObject({ reason: text(2000), occurredAt });
export const outOfScopeSchema = z.strictObject({ category: text(100), note: text(2000).optional(), occurredAt });
export const noteSchema = z.strictObject({ note: text(2000).optional() });
export const resolveSchema = z.strictObject({ note: text(2000).optional(), occurredAt });
export const billSchema = z.strictObject({ hours: z.number().positive().max(24), note: text(2000).optional() });
export const extensionSchema = z.strictObject({
  extensionMinutes: z.number().int().min(1).max(525_600),
  reason: text(2000),
  occurredAt,
});
export const noFieldsSchema = z.strictObject({});

export type OpenTicketInput = BodyOf<typeof openTicketSchema>;
