import { Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerModule } from '@nestjs/throttler';
import { CLOCK, type Clock } from '@app/clock';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { ApiKeysService } from './auth/api-keys.service';
import { RateLimitGuard } from './auth/rate-limit.guard';
import { SlidingWindowRateLimits } from './auth/rate-limit.storage';
import { CommandRunner } from './commands/command-runner';
import { CustomersModule } from './customers/customers.module';
import { JsonOnlyMiddleware } from './http/json-only.middleware';
import { ProblemFilter } from './http/problem.filter';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { IngestModule } from './ingest/ingest.module';
import { PoliciesModule } from './policies/policies.module';
import { TicketsModule } from './tickets/tickets.module';

const RATE_WINDOW_MS = 60_000;

/** The HTTP API: authentication, rate limits, idempotency, errors as problem details, and the endpoints. */
@Global()
@Module({
  imports: [
    CqrsModule.forRoot(),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, CLOCK],
      useFactory: (config: AppConfig, clock: Clock) => ({
        throttlers: [{ ttl: RATE_WINDOW_MS, limit: config.RATE_LIMIT_PER_MINUTE }],
        storage: new SlidingWindowRateLimits(clock),
      }),
    }),
    PoliciesModule,
    CustomersModule,
    TicketsModule,
    IngestModule,
  ],
  controllers: [ApiKeysController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    ApiKeysService,
    ApiKeyGuard,
    RateLimitGuard,
    IdempotencyStore,
    IdempotencyInterceptor,
    CommandRunner,
  ],
  exports: [ApiKeysService, ApiKeyGuard, RateLimitGuard, IdempotencyStore, IdempotencyInterceptor, CommandRunner],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonOnlyMiddleware).forRoutes('*path');
  }
}
