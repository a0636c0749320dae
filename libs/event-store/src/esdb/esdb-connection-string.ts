const KEEP_ALIVE_KEYS = ['keepAliveInterval', 'keepAliveTimeout'] as const;
const KEEP_ALIVE_MS = 10_000;

/**
 * The connection string with keep-alive on, whatever it said: a dead connection is then noticed within seconds
 * instead of leaving subscriptions waiting. Other options are kept byte for byte.
 */
export const withKeepAlive = (connectionString: string): string => {
  const queryAt = connectionString.indexOf('?');
  const base = queryAt === -1 ? connectionString : connectionString.slice(0, queryAt);
  const options = queryAt === -1 ? [] : connectionString.slice(queryAt + 1).split('&');
  const keyOf = (option: string): string => (option.split('=')[0] ?? '').toLowerCase();
  const isKeepAlive = (option: string): boolean => KEEP_ALIVE_KEYS.some((key) => key.toLowerCase() === keyOf(option));
  const kept = options.filter((option) => option !== '' && !(isKeepAlive(option) && Number(option.split('=')[1]) < 0));
  const missing = KEEP_ALIVE_KEYS.filter((key) => !kept.some((option) => keyOf(option) === key.toLowerCase()));
  return `${base}?${[...kept, ...missing.map((key) => `${key}=${KEEP_ALIVE_MS}`)].join('&')}`;
};
