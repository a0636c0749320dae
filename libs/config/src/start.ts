import pino from 'pino';
import { type AppConfig, ConfigError, readConfigFromEnvironment } from './config';

/** Reads the configuration, or prints one line per bad variable and ends the process before anything starts. */
export const configOrExit = (): AppConfig => {
  try {
    return readConfigFromEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.lines().join('\n')}\n`);
    process.exit(1);
  }
};

/**
 * Ends a start that failed with one line naming what failed, in the configured log format (a JSON line at `fatal`,
 * or plain text when logs are pretty), on stderr; status 1.
 */
export const exitOnStartFailure =
  (config: AppConfig) =>
  (error: unknown): never => {
    const message = `failed to start: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`;
    if (config.logPretty) process.stderr.write(`${message}\n`);
    else pino({ level: 'fatal', base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true })).fatal(message);
    process.exit(1);
  };

/**
 * How the apps create their Nest application. Nest's own report of a failed start is a coloured multi-line stack:
 * its buffered logs are flushed to the structured logger only once the application exists (`app.flushLogs()` after
 * `useLogger`), and a failed start is told in one line by `exitOnStartFailure`.
 */
export const START_OPTIONS = { bufferLogs: true, autoFlushLogs: false, abortOnError: false } as const;
