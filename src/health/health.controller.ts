import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { SseHealthIndicator } from 'nestjs-sse-broker/terminus';
import { Database } from '../database/database.js';
import { LiveEvents } from '../live/live-events.service.js';

/**
 * Probes for a load balancer or an orchestrator: `live` says the process
 * answers; `ready` says it can serve (database reachable, SSE transport
 * connected and streams accepted), with 503 otherwise so that traffic moves
 * to another instance. `ready` answers in terminus's format:
 * `{ status: 'ok' | 'error', info, error, details }`, with `details.database`,
 * `details.sse` (transport, readiness, open streams, instance id) and
 * `details.liveEvents.failures` (live events that could not be published
 * after their change was committed).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly sse: SseHealthIndicator,
    private readonly db: Database,
    private readonly live: LiveEvents,
  ) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database(),
      () => this.sse.isHealthy('sse'),
      () =>
        this.indicators
          .check('liveEvents')
          .up({ failures: this.live.failures }),
    ]);
  }

  /** The reason stays in the logs: a probe's answer never names a host. */
  private async database(): Promise<HealthIndicatorResult<'database'>> {
    const indicator = this.indicators.check('database');
    try {
      await this.db.query('SELECT 1');
      return indicator.up();
    } catch {
      return indicator.down({ message: 'unreachable' });
    }
  }
}
