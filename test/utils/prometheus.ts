import { Controller, Get, Header, type Type } from '@nestjs/common';
import type { Registry } from 'prom-client';

/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A `GET /metrics` controller serving `registry` in the Prometheus text format. */
export function metricsController(registry: Registry): Type {
  @Controller('metrics')
  class MetricsController {
    @Get()
    @Header('Content-Type', registry.contentType)
    scrape(): Promise<string> {
      return registry.metrics();
    }
  }
  return MetricsController;
}

/** Parses the Prometheus text format (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(
      /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    ))
      labels[name] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * The value of the series `name` with exactly `labels`; 0 when the series
 * does not exist (a counter that never moved has no series).
 */
export function valueOf(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const key = (l: Record<string, string>) =>
    Object.keys(l)
      .sort((a, b) => a.localeCompare(b))
      .map((k) => `${k}=${l[k]}`)
      .join();
  const wanted = key(labels);
  const found = samples.find(
    (s) => s.name === name && key(s.labels) === wanted,
  );
  return found?.value ?? 0;
}
