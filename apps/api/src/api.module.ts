import { Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { ApiKeysService } from './auth/api-keys.service';
import { RateLimitGuard } from './auth/rate-limit.guard';
import { JsonOnlyMiddleware } from './http/json-only.middleware';
import { ProblemFilter } from './http/problem.filter';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';

const RATE_WINDOW_MS = 60_000;

/** The HTTP API: authentication, rate limits, idempotency, errors as problem details, and the endpoints. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: RATE_WINDOW_MS, limit: config.RATE_LIMIT_PER_MINUTE }],
      }),
    }),
  ],
  controllers: [ApiKeysController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    ApiKeysService,
    ApiKeyGuard,
    RateLimitGuard,
    IdempotencyStore,
    IdempotencyInterceptor,
  ],
  exports: [ApiKeysService, ApiKeyGuard, RateLimitGuard, IdempotencyStore, IdempotencyInterceptor],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonOnlyMiddleware).forRoutes('*path');
  }
}
