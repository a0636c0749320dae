import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { configOrExit } from '@app/config';
import { createRedisConnection, liveWorkers, pingRedis } from '@app/scheduling';
import { type CliCommand, USAGE_ERROR } from '../command';

const parse = (args: readonly string[]): { host: string } | undefined => {
  try {
    const { values } = parseArgs({ args: [...args], options: { host: { type: 'string' } } });
    return { host: values.host ?? hostname() };
  } catch {
    return undefined;
  }
};

/**
 * `cli worker-health [--host <name>]`: whether a worker of this host (a container, in the compose layout) is
 * beating its heartbeat in Redis; prints the live workers as JSON. Exit 0 when one is, 1 otherwise.
 */
export const workerHealthCommand: CliCommand = {
  summary: "check that a worker of this host beats its heartbeat in Redis (the worker's healthcheck)",
  usage: 'cli worker-health [--host <name>]',
  options: [['--host <name>', "the worker's host name (default this host's)"]],
  run: async (args) => {
    const parsed = parse(args);
    if (!parsed) {
      process.stderr.write(`usage: ${workerHealthCommand.usage}\n`);
      return USAGE_ERROR;
    }
    const config = configOrExit();
    if (!config.REDIS_URL) {
      process.stderr.write('REDIS_URL is unset: without Redis the engine runs no separate worker.\n');
      return USAGE_ERROR;
    }
    const redis = createRedisConnection(config.REDIS_URL, 'queue');
    try {
      await pingRedis(redis, 3_000);
      const workers = await liveWorkers(redis);
      const ours = workers.filter(({ workerId }) => workerId.startsWith(`${parsed.host}-`));
      process.stdout.write(`${JSON.stringify({ host: parsed.host, isBeating: ours.length > 0, workers })}\n`);
      return ours.length > 0 ? 0 : 1;
    } catch (error) {
      process.stderr.write(`Redis at ${config.REDIS_URL} did not answer: ${String(error)}\n`);
      return 1;
    } finally {
      redis.disconnect();
    }
  },
};
