import { z } from 'zod';
import type { BodyOf } from '../http/zod-body.pipe';
import { PLANS } from '@app/policy';
import { occurredAt } from '../tickets/ticket.schemas';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const registerCustomerSchema = z.strictObject({
  name: text(200),
  licences: z.number().int().min(0).max(1_000_000),
  plan: z.enum(PLANS),
  externalRefs: z.record(z.string(), z.string()).optional(),
});
export const externalRefSchema = z.strictObject({ externalId: z.string() });
export const changeLicencesSchema = z.strictObject({ licences: z.number().int().min(0).max(1_000_000) });
export const assignPlanSchema = z.strictObject({ plan: z.enum(PLANS) });
export const flagSchema = z.strictObject({ reason: text(2000), occurredAt });
export const clearFlagSchema = z.strictObject({ reason: text(2000).optional(), occurredAt });
export const datedSchema = z.strictObject({ occurredAt });

export type RegisterCustomerInput = BodyOf<typeof registerCustomerSchema>;
