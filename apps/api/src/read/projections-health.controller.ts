import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type ProjectionLag, ProjectionRunner } from '@app/projections';

const gauge = (name: string, help: string, value: number): string =>
  `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;

/** How far this process's read models are behind the log: for probes (`/health/projections`) and scrapers (`/metrics`). */
@ApiTags('health')
@Controller()
export class ProjectionsHealthController {
  constructor(private readonly runner: ProjectionRunner) {}

  @Get('health/projections')
  @ApiOkResponse({ description: 'Lag of the read models in events and seconds; 503 when the runner has failed.' })
  async health(@Res({ passthrough: true }) res: Response): Promise<ProjectionLag> {
    const lag = await this.runner.lag();
    res.status(lag.state === 'failed' ? 503 : 200);
    return lag;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    const lag = await this.runner.lag();
    return [
      gauge('sla_projection_lag_events', 'Events in the log not yet applied to the read models.', lag.events),
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
