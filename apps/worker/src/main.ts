import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type AppConfig, closeOnSignals, configOrExit, exitOnStartFailure, START_OPTIONS } from '@app/config';
import { WorkerModule } from './worker.module';

const bootstrap = async (config: AppConfig): Promise<void> => {
  if (!config.REDIS_URL) {
    throw new Error('REDIS_URL is not set: the worker process needs it; in embedded mode `npm start` runs the workers');
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), START_OPTIONS);
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.flushLogs();
  closeOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.init();
  logger.log('worker started', 'Bootstrap');
};

const config = configOrExit();
bootstrap(config).catch(exitOnStartFailure(config));
