import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SseHealthIndicator } from 'nestjs-sse-broker/terminus';
import { LiveModule } from '../live/live.module.js';
import { HealthController } from './health.controller.js';
import { MetricsModule } from './metrics.module.js';

/** The probes (`/health/live`, `/health/ready`, built with terminus) and `/metrics`. */
@Module({
  imports: [TerminusModule, MetricsModule, LiveModule],
  controllers: [HealthController],
  providers: [SseHealthIndicator],
})
export class HealthModule {}
