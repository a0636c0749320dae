import { configSchema, type ParsedConfig } from './config.schema';

/** The engine's validated configuration. */
export type AppConfig = ParsedConfig & { readonly logPretty: boolean };

/** One problem with one environment variable. */
export interface ConfigProblem {
  readonly variable: string;
  readonly value: string | undefined;
  readonly problem: string;
}

/** Thrown before anything listens when the environment is invalid; `lines()` gives one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(describeProblem).join('\n'));
  }

  lines(): string[] {
    return this.problems.map(describeProblem);
  }
}

const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'API_KEYS',
  'ALERT_WEBHOOK_SECRET',
  'INGEST_SECRETS',
  'ZENDESK_WEBHOOK_SECRET',
]);

/** A value as it may be shown in a log line: secrets hidden, the password of a URL masked. */
export const shownValue = (variable: string, value: string | undefined): string | undefined => {
  if (value === undefined || value === '') return value;
  if (SECRET_VARIABLES.has(variable)) return '(hidden)';
  return value.replace(/ secret=\S+/g, ' secret=(hidden)').replace(/(\/\/[^:/@]*):[^@]*@/, '$1:(hidden)@');
};

const describeProblem = ({ variable, value, problem }: ConfigProblem): string =>
  `Invalid configuration: ${variable}=${JSON.stringify(shownValue(variable, value) ?? '')}: ${problem}`;

/** The DI token under which the {@link AppConfig} is provided. */
export const APP_CONFIG = Symbol('AppConfig');

type Environment = Readonly<Record<string, string | undefined>>;

/** Parses and validates an environment; empty strings count as unset so that `VAR=` means "use the default". */
export const parseConfig = (env: Environment, isTty: boolean): AppConfig => {
  const keys = Object.keys(configSchema.shape);
  const present = Object.fromEntries(keys.flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        return { variable, value: env[variable], problem: issue.message };
      }),
    );
  }
  const logPretty = result.data.LOG_FORMAT === 'pretty' || (result.data.LOG_FORMAT === 'auto' && isTty);
  return { ...result.data, logPretty };
};

/** Reads the process environment: the only place in the engine that does. */
export const readConfigFromEnvironment = (): AppConfig => parseConfig(process.env, process.stdout.isTTY === true);

/** How the event store adapter is tuned by the configuration (EventStoreDB deadlines and give-up). */
export const storeOptionsOf = (
  config: Pick<AppConfig, 'EVENT_STORE_DEADLINE_MS' | 'SUBSCRIPTION_GIVE_UP_MS'>,
): { readonly deadlineMs: number; readonly subscriptionGiveUpMs: number } => ({
  deadlineMs: config.EVENT_STORE_DEADLINE_MS,
  subscriptionGiveUpMs: config.SUBSCRIPTION_GIVE_UP_MS,
});
