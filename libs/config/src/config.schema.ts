import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const eventStoreUrl = z.string().regex(/^(sqlite:.+|memory:|esdb(\+discover)?:\/\/.+)$/, {
  message: 'accepted: sqlite:<file path>, memory:, esdb://<host:port>[?options] or esdb+discover://…',
});

const redisUrl = z.string().regex(/^rediss?:\/\/.+/, { message: 'accepted: redis://host:port[/db] or rediss://…' });

const port = z
  .string()
  .regex(/^\d+$/, { message: 'accepted: a whole number from 0 to 65535' })
  .transform(Number)
  .refine((n) => n <= 65535, { message: 'accepted: a whole number from 0 to 65535' });

const positiveMs = z
  .string()
  .regex(/^\d+$/, { message: 'accepted: a whole number of milliseconds' })
  .transform(Number)
  .refine((n) => n > 0, { message: 'accepted: a whole number of milliseconds above 0' });

/** Every environment variable the engine reads, with its default. README's configuration table mirrors it. */
export const configSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  EVENT_STORE_URL: eventStoreUrl.default('sqlite:./data/events.db'),
  REDIS_URL: redisUrl.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `accepted: ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { message: 'accepted: auto, json, pretty' }).default('auto'),
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(10_000),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
