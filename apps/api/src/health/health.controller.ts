import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiKeysService } from '../auth/api-keys.service';
import { HealthService, type HealthReport, type HealthSummary, summaryOf } from './health.service';

/** Anyone may probe the status of each component; only operators see errors and log positions. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly keys: ApiKeysService,
  ) {}

  @Get()
  async check(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<HealthReport | HealthSummary> {
    const report = await this.health.report();
    res.status(report.status === 'up' ? 200 : 503);
    return (await this.keys.isOperator(req)) ? report : summaryOf(report);
  }
}
