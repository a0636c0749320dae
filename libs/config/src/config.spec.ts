import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSchema, parseChannelMap, parseConfig, shownValue } from '@app/config';

const refusal = (env: Record<string, string>): ConfigError => {
  try {
    parseConfig(env, false);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('configuration was accepted');
};

describe('configuration', () => {
  it('has embedded defaults when nothing is set', () => {
    expect(parseConfig({}, false)).toEqual({
      PORT: 3000,
      HOST: '0.0.0.0',
      EVENT_STORE_URL: 'sqlite:./data/events.db',
      EVENT_STORE_DEADLINE_MS: 10_000,
      SUBSCRIPTION_GIVE_UP_MS: 300_000,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      POLICIES_DIR: './policies',
      READ_MODELS_PATH: './data/read-models.db',
      API_KEYS_FILE: './data/api-keys.json',
      RATE_LIMIT_PER_MINUTE: 600,
      CLOCK_SKEW_TOLERANCE_MS: 120_000,
      BACKDATING_LIMIT: 604_800_000,
      METRICS_PUBLIC: false,
      IDEMPOTENCY_TTL_MS: 86_400_000,
      ALERT_RETRY_HORIZON_MS: 86_400_000,
      ALERT_RETRY_BACKOFF_MS: 2_000,
      ALERT_RETRY_MAX_BACKOFF_MS: 600_000,
      INGEST_SIGNATURE_TOLERANCE_MS: 300_000,
      ZENDESK_SIGNATURE_TOLERANCE_MS: 300_000,
      ZENDESK_CHANNEL_MAP: 'email=email,web=forum,voice=phone,api=email',
      TIMER_RECONCILE_INTERVAL_MS: 60_000,
      logPretty: false,
    });
  });

  it('reads one ingest secret per source', () => {
    expect(
      parseConfig({ INGEST_SECRETS: 'zendesk=0123456789abcdef, acme-desk=fedcba9876543210' }, false),
    ).toMatchObject({
      INGEST_SECRETS: [
        { source: 'zendesk', secret: '0123456789abcdef' },
        { source: 'acme-desk', secret: 'fedcba9876543210' },
      ],
    });
  });

  it.each([['zendesk=short'], ['Zendesk=0123456789abcdef'], ['0123456789abcdef']])(
    'refuses the ingest secrets %s without showing them',
    (value) => {
      const attempt = () => parseConfig({ INGEST_SECRETS: value }, false);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).not.toThrow(value);
    },
  );

  it('reads the Zendesk channel map, refusing a channel the engine does not know', () => {
    expect(parseChannelMap('email=email,web=forum,voice=phone')).toEqual(
      new Map([
        ['email', 'email'],
        ['web', 'forum'],
        ['voice', 'phone'],
      ]),
    );
    expect(parseChannelMap('web=chat')).toBeUndefined();
    expect(() => parseConfig({ ZENDESK_CHANNEL_MAP: 'web=chat' }, false)).toThrow(ConfigError);
  });

  it('reads the backdating limit as a duration', () => {
    expect(parseConfig({ BACKDATING_LIMIT: '12h' }, false).BACKDATING_LIMIT).toBe(43_200_000);
    expect(parseConfig({ BACKDATING_LIMIT: '90000' }, false).BACKDATING_LIMIT).toBe(90_000);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PORT: '', REDIS_URL: '' }, false)).toMatchObject({ PORT: 3000 });
    expect(parseConfig({ REDIS_URL: '' }, false).REDIS_URL).toBeUndefined();
  });

  it('accepts every documented event store URL', () => {
    for (const url of ['sqlite:/var/lib/sla/events.db', 'memory:', 'esdb://localhost:2113?tls=false']) {
      expect(parseConfig({ EVENT_STORE_URL: url }, false).EVENT_STORE_URL).toBe(url);
    }
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['EVENT_STORE_URL', 'postgres://x'],
    ['REDIS_URL', 'localhost:6379'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['SHUTDOWN_TIMEOUT_MS', '0'],
    ['EVENT_STORE_DEADLINE_MS', '0'],
    ['SUBSCRIPTION_GIVE_UP_MS', '5m'],
    ['ALERT_WEBHOOKS', 'ops=ftp://example.test'],
    ['RATE_LIMIT_PER_MINUTE', '-5'],
    ['CLOCK_SKEW_TOLERANCE_MS', '2m'],
    ['BACKDATING_LIMIT', 'a week'],
    ['METRICS_PUBLIC', 'yes'],
    ['ALERT_RETRY_HORIZON_MS', '24h'],
    ['ALERT_RETRY_BACKOFF_MS', '0'],
    ['ALERT_RETRY_MAX_BACKOFF_MS', '1999'],
    ['TIMER_RECONCILE_INTERVAL_MS', '1m'],
  ])('refuses %s=%s with one line naming the variable, its value and what is accepted', (variable, value) => {
    const error = refusal({ [variable]: value });
    expect(error.problems).toEqual([{ variable, value, problem: expect.stringContaining('accepted') }]);
    expect(error.lines()).toHaveLength(1);
    expect(error.lines()[0]).toContain(`${variable}="${value}"`);
  });

  it.each([
    ['API_KEYS', 'alice:wizard:0123456789abcdef', '0123456789abcdef'],
    ['API_KEYS', 'alice:agent:short', 'short'],
    ['ALERT_WEBHOOK_SECRET', 'too-short', 'too-short'],
    ['REDIS_URL', 'redis//:a-redis-password@host', 'a-redis-password'],
  ])('refuses %s=%s with one line naming the variable, never showing the secret', (variable, value, secret) => {
    const error = refusal({ [variable]: value });
    expect(error.problems).toEqual([{ variable, value, problem: expect.stringContaining('accepted') }]);
    expect(error.lines()).toHaveLength(1);
    expect(error.lines()[0]).toContain(`${variable}=`);
    expect(error.lines()[0]).not.toContain(secret);
  });

  it('masks the password of a URL it shows', () => {
    expect(shownValue('REDIS_URL', 'redis://:pw-0123@redis:6379')).toBe('redis://:(hidden)@redis:6379');
    expect(shownValue('EVENT_STORE_URL', 'esdb://admin:changeit@esdb:2113')).toBe('esdb://admin:(hidden)@esdb:2113');
    expect(shownValue('REDIS_URL', 'redis://redis:6379')).toBe('redis://redis:6379');
  });

  it('parses API keys listed as name:role:key', () => {
    const config = parseConfig({ API_KEYS: 'alice:agent:0123456789abcdef, root:admin:fedcba9876543210' }, false);
    expect(config.API_KEYS).toEqual([
      { name: 'alice', role: 'agent', key: '0123456789abcdef' },
      { name: 'root', role: 'admin', key: 'fedcba9876543210' },
    ]);
  });

  it('parses alert webhooks per role and requires their signing secret', () => {
    const webhooks = 'ops=http://127.0.0.1:9000/ops,manager=https://alerts.example.test/m';
    expect(
      parseConfig({ ALERT_WEBHOOKS: webhooks, ALERT_WEBHOOK_SECRET: 'a-long-enough-secret' }, false).ALERT_WEBHOOKS,
    ).toEqual([
      { role: 'ops', url: 'http://127.0.0.1:9000/ops' },
      { role: 'manager', url: 'https://alerts.example.test/m' },
    ]);
    expect(refusal({ ALERT_WEBHOOKS: webhooks }).problems).toEqual([
      {
        variable: 'ALERT_WEBHOOK_SECRET',
        value: undefined,
        problem: expect.stringContaining('required when a webhook of ALERT_WEBHOOKS has none of its own'),
      },
    ]);
  });

  it('gives a webhook its own signing secret, which then needs no shared one, and never shows it', () => {
    const webhooks = 'ops=http://127.0.0.1:9000/ops secret=ops-own-secret-0123456789,lead=http://127.0.0.1:9000/lead';
    expect(parseConfig({ ALERT_WEBHOOKS: webhooks.split(',')[0] ?? '' }, false).ALERT_WEBHOOKS).toEqual([
      { role: 'ops', url: 'http://127.0.0.1:9000/ops', secret: 'ops-own-secret-0123456789' },
    ]);
    const refused = refusal({ ALERT_WEBHOOKS: webhooks });
    expect(refused.problems.map(({ variable }) => variable)).toEqual(['ALERT_WEBHOOK_SECRET']);
    const badSecret = refusal({ ALERT_WEBHOOKS: 'ops=http://x.test/ops secret=short-0123 extra' });
    expect(badSecret.lines()[0]).not.toContain('short-0123');
  });

  it('lists every bad variable, one line each', () => {
    expect(refusal({ PORT: 'x', LOG_LEVEL: 'y' }).lines()).toHaveLength(2);
  });

  it('logs pretty only when asked or when auto and a TTY', () => {
    expect(parseConfig({}, true).logPretty).toBe(true);
    expect(parseConfig({ LOG_FORMAT: 'json' }, true).logPretty).toBe(false);
    expect(parseConfig({ LOG_FORMAT: 'pretty' }, false).logPretty).toBe(true);
  });

  it('is documented in the README, every variable in the configuration table with its default', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const rows = new Map(
      [...readme.matchAll(/^\| `([A-Z_]+)` +\| ([^|]+)\|/gm)].map(([, name = '', cell = '']) => [name, cell.trim()]),
    );
    const defaults = parseConfig({}, false) as Record<string, unknown>;
    const variables = Object.keys(configSchema.shape);
    expect(variables.filter((name) => !rows.has(name))).toEqual([]);
    for (const name of variables) {
      const documented = rows.get(name) ?? '';
      const byDefault = defaults[name];
      expect([
        name,
        byDefault === undefined ? documented.startsWith('unset') : documented.startsWith(`\`${String(byDefault)}\``),
      ]).toEqual([name, true]);
    }
  });
});
