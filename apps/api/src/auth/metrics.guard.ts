import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiKeyGuard } from './api-key.guard';

/** `/metrics` needs an operator's key unless `METRICS_PUBLIC` opens it to a scraper without one. */
@Injectable()
export class MetricsGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    return this.config.METRICS_PUBLIC || this.keys.canActivate(context);
  }
}
