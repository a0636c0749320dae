import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { AppModule } from './app.module';
import { setUpOpenApi } from './http/openapi';

export const createApp = async (config: AppConfig): Promise<INestApplication> => {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  setUpOpenApi(app);
  return app;
};
