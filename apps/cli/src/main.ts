import 'reflect-metadata';
import { configOrExit, shownValue } from '@app/config';
import { rebuildProjectionsCommand } from './commands/rebuild-projections.command';
import { reconcileTimersCommand } from './commands/reconcile-timers.command';
import { replayCommand } from './commands/replay.command';

type Command = (args: readonly string[]) => Promise<number>;

const commands: Readonly<Record<string, { readonly summary: string; readonly run: Command }>> = {
  'check-config': {
    summary: 'validate the environment and print the effective configuration as JSON',
    run: async () => {
      const config = configOrExit();
      const shown = {
        ...config,
        EVENT_STORE_URL: shownValue('EVENT_STORE_URL', config.EVENT_STORE_URL),
        REDIS_URL: shownValue('REDIS_URL', config.REDIS_URL),
        API_KEYS: config.API_KEYS?.map(({ name, role }) => ({ name, role, key: '(hidden)' })),
        ALERT_WEBHOOKS: config.ALERT_WEBHOOKS?.map(({ secret, ...target }) => ({
          ...target,
          ...(secret ? { secret: '(hidden)' } : {}),
        })),
        ALERT_WEBHOOK_SECRET: shownValue('ALERT_WEBHOOK_SECRET', config.ALERT_WEBHOOK_SECRET),
      };
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    },
  },
  'reconcile-timers': reconcileTimersCommand,
  'rebuild-projections': rebuildProjectionsCommand,
  replay: replayCommand,
};

const usage = (): string =>
  [
    'usage: cli <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(22)}${summary}`),
  ].join('\n');

const main = async (): Promise<number> => {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? `unknown command: ${name}\n\n` : ''}${usage()}\n`);
    return 2;
  }
  return command.run(args);
};

main().then(
  (status) => (process.exitCode = status),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
