import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { type AppConfig, closeOnSignals, configOrExit, exitOnStartFailure } from '@app/config';
import { createApp } from './create-app';

const bootstrap = async (config: AppConfig): Promise<void> => {
  const app = await createApp(config);
  const logger = app.get(Logger);
  closeOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.listen(config.PORT, config.HOST);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  logger.log(`serving on http://${shownHost}:${port}`, 'Bootstrap');
};

const config = configOrExit();
bootstrap(config).catch(exitOnStartFailure(config));
