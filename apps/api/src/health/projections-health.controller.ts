import { Controller, Get, Header, Inject, Req, Res, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { DeliveryState, WebhookAlertSink } from '@app/alerts';
import { type ProjectionLag, ProjectionRunner, type RunnerState } from '@app/projections';
import { ALERT_DELIVERIES } from '../alerts/alert-deliveries';
import { ApiKeysService } from '../auth/api-keys.service';
import { MetricsGuard } from '../auth/metrics.guard';
import { RateLimitGuard } from '../auth/rate-limit.guard';
import { ALLOWED_ROLES, OPERATORS } from '../auth/roles';
import { HealthService } from './health.service';

const gauge = (name: string, help: string, value: number): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;

const labelledGauge = (name: string, help: string, label: string, values: Readonly<Record<string, number>>): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n` +
  Object.entries(values)
    .map(([value, n]) => `${name}{${label}="${value}"} ${n}\n`)
    .join('');

type DeliveryCounts = Readonly<Record<DeliveryState, number>>;

const everyStateAt = (value: number): DeliveryCounts => ({ retrying: value, parked: value });

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
    @Inject(ALERT_DELIVERIES) private readonly deliveries: WebhookAlertSink | undefined,
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
    const [lag, timers, deliveries] = await Promise.all([
      this.runner.lag(),
      this.healthService.timers(),
      this.deliveryCounts(),
    ]);
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
        '1 when the projection runner has stopped on an error, or retries one.',
        lag.state === 'failed' || lag.state === 'retrying' ? 1 : 0,
      ),
      labelledGauge(
        'sla_log_processor_following',
        'Per follower of the log in this process: 1 while it follows, 0 while it retries a failure or has stopped.',
        'processor',
        Object.fromEntries(
          this.healthService
            .processors()
            .processors.map(({ name, state }) => [name, state === 'retrying' || state === 'failed' ? 0 : 1]),
        ),
      ),
      labelledGauge(
        'sla_alert_deliveries',
        'Webhook deliveries that failed: retrying, or parked until re-sent; -1 when the queue does not answer.',
        'state',
        deliveries,
      ),
    ].join('');
  }

  private async deliveryCounts(): Promise<DeliveryCounts> {
    if (!this.deliveries) return everyStateAt(0);
    try {
      return await this.deliveries.countDeliveries();
    } catch {
      // Redis away is for the redis dependency of /health to report; the gauges say the counts are not known.
      return everyStateAt(-1);
    }
  }
}
