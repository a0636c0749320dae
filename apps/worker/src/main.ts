import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, configOrExit } from '@app/config';
import { WorkerModule } from './worker.module';

const bootstrap = async (): Promise<void> => {
  const config = configOrExit();
  if (!config.REDIS_URL) {
    process.stderr.write(
      'The worker process needs REDIS_URL: in embedded mode `npm start` runs the workers in process.\n',
    );
    process.exit(1);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  closeOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, logger);
  await app.init();
  logger.log('worker started', 'Bootstrap');
};

bootstrap().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
