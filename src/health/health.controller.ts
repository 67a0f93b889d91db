import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SseBroker } from 'nestjs-sse-broker';
import { Database } from '../database/database.js';
import type { AppEvents } from '../live/app-events.js';
import { LiveEvents } from '../live/live-events.service.js';

/** What `GET /health/ready` answers. */
export interface Readiness {
  status: 'ok' | 'unavailable';
  database: 'up' | 'down';
  sse: { transport: 'memory' | 'redis'; ready: boolean; instanceId: string };
  /** Live events that could not be published after their change was committed. */
  liveEventFailures: number;
}

/**
 * Probes for a load balancer or an orchestrator: `live` says the process
 * answers; `ready` says it can serve (database reachable, SSE transport
 * connected), with 503 otherwise so that traffic moves to another instance.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly sse: SseBroker<AppEvents>,
    private readonly live: LiveEvents,
  ) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async readiness(
    @Res({ passthrough: true }) response: Response,
  ): Promise<Readiness> {
    const database = await this.db.query('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const ready = this.sse.isReady();
    const ok = database === 'up' && ready;
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'unavailable',
      database,
      sse: {
        transport: this.sse.transportType,
        ready,
        instanceId: this.sse.instanceId,
      },
      liveEventFailures: this.live.failures,
    };
  }
}
