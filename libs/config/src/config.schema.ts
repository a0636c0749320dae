import { ALERT_ROLES, type AlertRole, CHANNELS, type Channel } from '@app/policy';
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

const positiveInteger = z
  .string()
  .regex(/^\d+$/, { message: 'accepted: a whole number above 0' })
  .transform(Number)
  .refine((n) => n > 0, { message: 'accepted: a whole number above 0' });

const wholeNumber = z.string().regex(/^\d+$/, { message: 'accepted: a whole number, 0 or more' }).transform(Number);

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `7d`, `12h`, `30m`, `90s`, `500ms`, or plain milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, { message: 'accepted: a duration such as 7d, 12h, 30m, 90s, or milliseconds' })
  .transform((value) => {
    const [, amount = '0', unit = 'ms'] = /^(\d+)(ms|s|m|h|d)?$/.exec(value) ?? [];
    return Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  });

const ROLES = ['agent', 'lead', 'ops', 'auditor', 'admin', 'integration'] as const;

const listOf = <T>(item: (entry: string) => T | undefined, accepted: string) =>
  z.string().transform((value, ctx) => {
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const parsed = entries.map(item);
    if (parsed.some((entry) => entry === undefined)) {
      ctx.addIssue({ code: 'custom', message: `accepted: ${accepted}` });
      return z.NEVER;
    }
    return parsed as T[];
  });

/** A key listed directly in the environment, for development and tests. */
export interface ListedApiKey {
  readonly name: string;
  readonly role: (typeof ROLES)[number];
  readonly key: string;
}

const listedApiKey = (entry: string): ListedApiKey | undefined => {
  const match = /^([\w.-]+):(\w+):(\S{16,})$/.exec(entry);
  const role = ROLES.find((candidate) => candidate === match?.[2]);
  return match?.[1] && match[3] && role ? { name: match[1], role, key: match[3] } : undefined;
};

export interface AlertWebhook {
  readonly role: AlertRole;
  readonly url: string;
  /** Its own signing secret, instead of `ALERT_WEBHOOK_SECRET`. */
  readonly secret?: string;
}

const alertWebhook = (entry: string): AlertWebhook | undefined => {
  const match = /^(\w+)=(https?:\/\/\S+?)(?: secret=(\S{16,}))?$/.exec(entry);
  const role = ALERT_ROLES.find((candidate) => candidate === match?.[1]);
  if (!role || !match?.[2]) return undefined;
  return match[3] ? { role, url: match[2], secret: match[3] } : { role, url: match[2] };
};

/** A source's name, as envelopes and external references spell it. */
export const SOURCE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

/** The secret one ingest source signs its batches with. */
export interface IngestSecret {
  readonly source: string;
  readonly secret: string;
}

const ingestSecret = (entry: string): IngestSecret | undefined => {
  const match = /^([^=]+)=(\S{16,})$/.exec(entry);
  return match?.[1] && match[2] && SOURCE_NAME.test(match[1]) ? { source: match[1], secret: match[2] } : undefined;
};

/** `zendesk-channel=engine-channel` pairs; `undefined` when one is malformed or names no engine channel. */
export const parseChannelMap = (value: string): ReadonlyMap<string, Channel> | undefined => {
  const map = new Map<string, Channel>();
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [from, to, ...rest] = entry.split('=');
    const channel = CHANNELS.find((candidate) => candidate === to?.trim());
    if (!from?.trim() || !channel || rest.length > 0) return undefined;
    map.set(from.trim(), channel);
  }
  return map;
};

const DEFAULT_ZENDESK_CHANNEL_MAP = 'email=email,web=forum,voice=phone,api=email';

/** Every environment variable the engine reads, with its default. README's configuration table mirrors it. */
export const configSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    EVENT_STORE_URL: eventStoreUrl.default('sqlite:./data/events.db'),
    EVENT_STORE_DEADLINE_MS: positiveInteger.default(10_000),
    SUBSCRIPTION_GIVE_UP_MS: positiveInteger.default(300_000),
    REDIS_URL: redisUrl.optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `accepted: ${LOG_LEVELS.join(', ')}` }).default('info'),
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { message: 'accepted: auto, json, pretty' }).default('auto'),
    SHUTDOWN_TIMEOUT_MS: positiveInteger.default(10_000),
    POLICIES_DIR: z.string().min(1).default('./policies'),
    READ_MODELS_PATH: z.string().min(1).default('./data/read-models.db'),
    API_KEYS_FILE: z.string().min(1).default('./data/api-keys.json'),
    API_KEYS: listOf(
      listedApiKey,
      `name:role:key entries separated by commas; role one of ${ROLES.join(', ')}; key at least 16 characters`,
    ).optional(),
    RATE_LIMIT_PER_MINUTE: positiveInteger.default(600),
    CLOCK_SKEW_TOLERANCE_MS: wholeNumber.default(120_000),
    BACKDATING_LIMIT: duration.default(7 * DURATION_UNITS_MS.d),
    IDEMPOTENCY_TTL_MS: positiveInteger.default(86_400_000),
    METRICS_PUBLIC: z
      .enum(['true', 'false'], { message: 'accepted: true, false' })
      .transform((value) => value === 'true')
      .default(false),
    ALERT_WEBHOOKS: listOf(
      alertWebhook,
      `role=url entries separated by commas, each optionally followed by " secret=<its own signing secret, at least 16 characters>"; role one of ${ALERT_ROLES.join(', ')}`,
    ).optional(),
    ALERT_WEBHOOK_SECRET: z.string().min(16, { message: 'accepted: a secret of at least 16 characters' }).optional(),
    ALERT_RETRY_HORIZON_MS: positiveInteger.default(86_400_000),
    ALERT_RETRY_BACKOFF_MS: positiveInteger.default(2_000),
    ALERT_RETRY_MAX_BACKOFF_MS: positiveInteger.default(600_000),
    INGEST_SECRETS: listOf(
      ingestSecret,
      'source=secret entries separated by commas; source in lower case letters, digits, - and _; secret at least 16 characters',
    ).optional(),
    INGEST_SIGNATURE_TOLERANCE_MS: positiveInteger.default(300_000),
    ZENDESK_WEBHOOK_SECRET: z.string().min(16, { message: 'accepted: a secret of at least 16 characters' }).optional(),
    ZENDESK_SIGNATURE_TOLERANCE_MS: positiveInteger.default(300_000),
    ZENDESK_CHANNEL_MAP: z
      .string()
      .refine((value) => parseChannelMap(value) !== undefined, {
        message: `accepted: zendesk-channel=engine-channel pairs separated by commas; engine channel one of ${CHANNELS.join(', ')}`,
      })
      .default(DEFAULT_ZENDESK_CHANNEL_MAP),
    TIMER_RECONCILE_INTERVAL_MS: positiveInteger.default(60_000),
  })
  .refine((config) => config.ALERT_WEBHOOK_SECRET || (config.ALERT_WEBHOOKS ?? []).every(({ secret }) => secret), {
    path: ['ALERT_WEBHOOK_SECRET'],
    message:
      'accepted: a secret of at least 16 characters; required when a webhook of ALERT_WEBHOOKS has none of its own',
  })
  .refine((config) => config.ALERT_RETRY_MAX_BACKOFF_MS >= config.ALERT_RETRY_BACKOFF_MS, {
    path: ['ALERT_RETRY_MAX_BACKOFF_MS'],
    message: 'accepted: a whole number of milliseconds, at least ALERT_RETRY_BACKOFF_MS',
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
