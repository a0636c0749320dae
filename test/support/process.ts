import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line matching `pattern`, rejects after `timeoutMs` or if the process ends first. */
  readonly waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
}

/** Runs one of the apps from its TypeScript source, as `npm start` would run the built file. */
export const runApp = (
  app: 'api' | 'worker' | 'cli',
  env: Record<string, string>,
  args: string[] = [],
): RunningProcess =>
  runCommand(process.execPath, ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts'), ...args], env);

/** Runs a command from the repository's root with only PATH, JSON logs and `env` in its environment. */
export const runCommand = (command: string, args: readonly string[], env: Record<string, string>): RunningProcess => {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitForLine = (pattern: RegExp, timeoutMs = 20_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${stdout}${stderr}`)),
        timeoutMs,
      );
      const check = (): void => {
        const line = stdout.split('\n').find((candidate) => pattern.test(candidate));
        if (line) finish(undefined, line);
      };
      const onExit = (): void =>
        finish(new Error(`process ended before a line matched ${pattern}:\n${stdout}${stderr}`));
      const finish = (error?: Error, line?: string): void => {
        clearTimeout(timer);
        child.stdout.off('data', check);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(line as string);
      };
      child.stdout.on('data', check);
      child.on('exit', onExit);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, exited, waitForLine };
};

/** The first admin key and the file it was left in, found through the path the engine logged. */
export const initialAdminKey = async (engine: RunningProcess): Promise<{ key: string; file: string; mode: number }> => {
  const line = JSON.parse(await engine.waitForLine(/Admin API key created/)) as { msg: string };
  const file = / it is in (\S+), readable/.exec(line.msg)?.[1] ?? '';
  return { key: readFileSync(file, 'utf8').trim(), file, mode: statSync(file).mode & 0o777 };
};
