import { Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricsController } from './metrics.controller.js';

/**
 * The application's Prometheus registry (injected by its class): the
 * process's default metrics and, through `SseModule`'s `metrics` option,
 * the library's. One registry per application instance, so that an
 * application started twice in one process (the e2e specs) registers
 * nothing twice.
 */
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
  ],
  exports: [Registry],
})
export class MetricsModule {}
