import { ConfigError, parseConfig } from '@app/config';

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
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      logPretty: false,
    });
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
  ])('refuses %s=%s with one line naming the variable, its value and what is accepted', (variable, value) => {
    const error = refusal({ [variable]: value });
    expect(error.problems).toEqual([{ variable, value, problem: expect.stringContaining('accepted') }]);
    expect(error.lines()).toHaveLength(1);
    expect(error.lines()[0]).toContain(`${variable}="${value}"`);
  });

  it('lists every bad variable, one line each', () => {
    expect(refusal({ PORT: 'x', LOG_LEVEL: 'y' }).lines()).toHaveLength(2);
  });

  it('logs pretty only when asked or when auto and a TTY', () => {
    expect(parseConfig({}, true).logPretty).toBe(true);
    expect(parseConfig({ LOG_FORMAT: 'json' }, true).logPretty).toBe(false);
    expect(parseConfig({ LOG_FORMAT: 'pretty' }, false).logPretty).toBe(true);
  });
});
