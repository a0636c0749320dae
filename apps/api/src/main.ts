import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, configOrExit } from '@app/config';
import { createApp } from './create-app';

const bootstrap = async (): Promise<void> => {
  const config = configOrExit();
  const app = await createApp(config);
  const logger = app.get(Logger);
  closeOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.listen(config.PORT, config.HOST);
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  logger.log(`serving on http://${shownHost}:${port}`, 'Bootstrap');
};

bootstrap().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
