import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';

/**
 * `GET /metrics` in the Prometheus text format. In production, expose it
 * only where the scraper reaches it (an internal port or network policy):
 * it tells how busy the instance is.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
