import 'reflect-metadata';
import { type CliCommand, USAGE_ERROR } from './command';
import { checkConfigCommand } from './commands/check-config.command';
import { importCommand } from './commands/import.command';
import { importSlaCommand } from './commands/import-sla.command';
import { rebuildProjectionsCommand } from './commands/rebuild-projections.command';
import { reconcileTimersCommand } from './commands/reconcile-timers.command';
import { redriveAlertsCommand } from './commands/redrive-alerts.command';
import { replayCommand } from './commands/replay.command';
import { reportCommand } from './commands/report.command';
import { workerHealthCommand } from './commands/worker-health.command';

const commands: Readonly<Record<string, CliCommand>> = {
  'check-config': checkConfigCommand,
  import: importCommand,
  'import-sla': importSlaCommand,
  'reconcile-timers': reconcileTimersCommand,
  'rebuild-projections': rebuildProjectionsCommand,
  'redrive-alerts': redriveAlertsCommand,
  replay: replayCommand,
  report: reportCommand,
  'worker-health': workerHealthCommand,
};

const overview = (): string =>
  [
    'usage: cli <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(22)}${summary}`),
    '',
    'cli help <command> (or cli <command> --help) shows its options.',
    'Configuration comes from the environment, as for the engine (README, Configuration).',
  ].join('\n');

const helpOf = (command: CliCommand): string =>
  [
    `usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.options.length
      ? ['', 'options:', ...command.options.map(([flag, what]) => `  ${flag.padEnd(28)}${what}`)]
      : []),
  ].join('\n');

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

const main = async (): Promise<number> => {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined || isHelp(name)) {
    const [topic] = args;
    const command = topic === undefined ? undefined : commands[topic];
    if (topic !== undefined && !command) {
      process.stderr.write(`unknown command: ${topic}\n\n${overview()}\n`);
      return USAGE_ERROR;
    }
    const text = command ? helpOf(command) : overview();
    (name === undefined ? process.stderr : process.stdout).write(`${text}\n`);
    return name === undefined ? USAGE_ERROR : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${overview()}\n`);
    return USAGE_ERROR;
  }
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${helpOf(command)}\n`);
    return 0;
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
