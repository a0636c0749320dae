import { Controller, Get, Header, Req, Res, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type ProjectionLag, ProjectionRunner, type RunnerState } from '@app/projections';
import { ApiKeysService } from '../auth/api-keys.service';
import { MetricsGuard } from '../auth/metrics.guard';
import { RateLimitGuard } from '../auth/rate-limit.guard';
import { ALLOWED_ROLES, OPERATORS } from '../auth/roles';
import { HealthService } from './health.service';

const gauge = (name: string, help: string, value: number): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;

/**
 * How far this process's read models are behind the log, for probes (`/health/projections`), and that with the
 * timers' figures for scrapers (`/metrics`).
 */
@ApiTags('health')
@Controller()
export class ProjectionsHealthController {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly keys: ApiKeysService,
    private readonly healthService: HealthService,
  ) {}

  @Get('health/projections')
  @ApiOkResponse({
    description:
      'The runner state; with an ops or admin key also the lag in positions and seconds, the checkpoint and the head. ' +
      '503 when the runner has failed.',
  })
  async health(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectionLag | { readonly state: RunnerState }> {
    const lag = await this.runner.lag();
    res.status(lag.state === 'failed' || lag.state === 'retrying' ? 503 : 200);
    return (await this.keys.isOperator(req)) ? lag : { state: lag.state };
  }

  @Get('metrics')
  @SetMetadata(ALLOWED_ROLES, OPERATORS)
  @UseGuards(RateLimitGuard, MetricsGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'Prometheus gauges; an ops or admin key unless METRICS_PUBLIC is true.' })
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    const [lag, timers] = await Promise.all([this.runner.lag(), this.healthService.timers()]);
    return [
      gauge(
        'sla_timer_workers',
        'Workers whose heartbeat has not expired; -1 when timers run in this process.',
        timers.workers ?? -1,
      ),
      gauge(
        'sla_timer_oldest_overdue_seconds',
        'How long ago the oldest deadline passed with no breach recorded; 0 when none.',
        timers.oldestOverdueMs / 1_000,
      ),
      gauge(
        'sla_projection_lag_positions',
        "Head of the log minus the read models' checkpoint: events not yet applied on the embedded store.",
        lag.behind,
      ),
      gauge('sla_projection_lag_seconds', 'Age of the oldest event not yet applied to the read models.', lag.seconds),
      gauge('sla_projection_checkpoint', 'Global position the read models have applied.', lag.checkpoint ?? -1),
      gauge(
        'sla_projection_failed',
        '1 when the projection runner has stopped on an error.',
        lag.state === 'failed' ? 1 : 0,
      ),
    ].join('');
  }
}
