import type * as PromClient from 'prom-client';
import { isMissingPackage } from '../core/missing-package.js';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import type { ResolvedSseMetricsOptions } from '../options/sse-metrics-options.interface.js';
import { SseMetrics } from './sse-metrics.js';

/** Injection token of the registration's {@link SseMetrics}, or `null` when metrics are off. @internal */
export const SSE_METRICS = Symbol('SSE:METRICS');

/**
 * Loads `prom-client` (only now: it is an optional peer dependency) and
 * registers the metrics; without prom-client, start-up fails saying so.
 * `load` is replaced in specs.
 * @internal
 */
export async function loadSseMetrics(
  options: ResolvedSseMetricsOptions,
  transport: 'memory' | 'redis',
  load: () => Promise<typeof PromClient> = () => import('prom-client'),
): Promise<SseMetrics> {
  let prom: typeof PromClient;
  try {
    prom = await load();
  } catch (err) {
    if (isMissingPackage(err, 'prom-client'))
      throw new InvalidSseOptionsError(SSE_MESSAGES.PROM_CLIENT_MISSING());
    throw err;
  }
  return new SseMetrics(prom, options, transport);
}
