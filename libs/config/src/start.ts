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
