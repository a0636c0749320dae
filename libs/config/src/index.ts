export { APP_CONFIG, ConfigError, parseConfig, readConfigFromEnvironment, shownValue, storeOptionsOf } from './config';
export type { AppConfig, ConfigProblem } from './config';
export { configSchema, parseChannelMap, SOURCE_NAME } from './config.schema';
export type { AlertWebhook, IngestSecret, ListedApiKey } from './config.schema';
export { AppConfigModule } from './app-config.module';
export { closeOnSignals } from './shutdown';
export { configOrExit, exitOnStartFailure, START_OPTIONS } from './start';
