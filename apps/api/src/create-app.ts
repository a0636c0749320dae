import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ExpressAdapter } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { type AppConfig, START_OPTIONS } from '@app/config';
import { AppModule } from './app.module';
import { setUpOpenApi } from './http/openapi';

/**
 * Scripts only from the engine itself (the dashboard's `/dashboard.js`, the OpenAPI viewer's bundle); inline styles
 * and `data:` images only because the OpenAPI viewer needs them; never framed.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
});

/** What every api application gets however it is created: the structured logger, security headers, OpenAPI. */
export const configureApp = (app: INestApplication): INestApplication => {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.use(securityHeaders);
  // The raw body too (`request.rawBody`): ingest signatures are computed over the bytes as sent.
  (app.getHttpAdapter() as ExpressAdapter).useBodyParser('json', true);
  setUpOpenApi(app);
  return app;
};

export const createApp = async (config: AppConfig): Promise<INestApplication> =>
  configureApp(await NestFactory.create(AppModule.forRoot(config), START_OPTIONS));
