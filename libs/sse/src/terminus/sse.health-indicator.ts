import { Injectable } from '@nestjs/common';
import {
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { SseBroker } from '../broker/sse-broker.js';

/**
 * A `@nestjs/terminus` health indicator for this instance's streams: `up`
 * when the transport is ready and new streams are accepted, `down`
 * otherwise (Redis unreachable or its subscriber not receiving, or the
 * application shutting down). Both carry the details: `transport`,
 * `transportReady`, `accepting`, `openStreams` and `instanceId`. It reads state the
 * broker already holds, so a probe costs no I/O.
 *
 * Register it in the module of your health controller, next to
 * `TerminusModule`; the `SseBroker` must be visible there (`isGlobal: true`,
 * or import the module that registers `SseModule`).
 *
 * @example
 * ```ts
 * import { SseHealthIndicator } from 'nestjs-sse-broker/terminus';
 *
 * @Module({ imports: [TerminusModule], controllers: [HealthController], providers: [SseHealthIndicator] })
 * export class HealthModule {}
 *
 * @Get('ready')
 * @HealthCheck()
 * ready() {
 *   return this.health.check([() => this.sse.isHealthy('sse')]);
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class SseHealthIndicator {
  constructor(
    private readonly broker: SseBroker,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** `key` names the result in the health check's response. */
  isHealthy<const Key extends string = 'sse'>(
    key: Key = 'sse' as Key,
  ): HealthIndicatorResult<Key> {
    const health = this.broker.health();
    const details = { ...health, instanceId: this.broker.instanceId };
    const indicator = this.indicators.check(key);
    return health.transportReady && health.accepting
      ? indicator.up(details)
      : indicator.down(details);
  }
}
