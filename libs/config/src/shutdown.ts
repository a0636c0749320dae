import type { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * Closes the application on SIGTERM or SIGINT: Nest stops accepting connections, lets requests in flight finish and
 * runs every `onApplicationShutdown` hook (stores, queues). Past `timeoutMs` the process exits with status 1.
 */
export const closeOnSignals = (app: INestApplicationContext, timeoutMs: number, logger: LoggerService): void => {
  let closing = false;
  const close = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down`, 'Shutdown');
    const deadline = setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms: exiting`, undefined, 'Shutdown');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => {
        logger.log('shut down cleanly', 'Shutdown');
        clearTimeout(deadline);
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`, undefined, 'Shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
};
