import * as prom from 'prom-client';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { resolveSseOptions } from '../options/resolve-sse-options.js';
import type { ResolvedSseMetricsOptions } from '../options/sse-metrics-options.interface.js';
import { loadSseMetrics } from './load-sse-metrics.js';

const options = (registry: prom.Registry): ResolvedSseMetricsOptions =>
  resolveSseOptions({ auth: { secret: 'k' }, metrics: { registry } })
    .metrics as ResolvedSseMetricsOptions;

describe('loadSseMetrics', () => {
  it('fails start-up saying how to install prom-client when it is missing', async () => {
    const missing = Object.assign(
      new Error("Cannot find package 'prom-client' imported from /app/x.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    const loading = loadSseMetrics(options(new prom.Registry()), 'memory', () =>
      Promise.reject(missing),
    );
    await expect(loading).rejects.toThrow(InvalidSseOptionsError);
    await expect(loading).rejects.toThrow(
      'metrics need the "prom-client" package, an optional peer dependency: install it with "npm install prom-client", or turn the "metrics" option off.',
    );
  });

  it('passes on any other failure to load prom-client', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(
      loadSseMetrics(options(new prom.Registry()), 'memory', () =>
        Promise.reject(broken),
      ),
    ).rejects.toBe(broken);
  });

  it('registers twice on one registry without "already registered", sharing the metrics', async () => {
    const registry = new prom.Registry();
    const first = await loadSseMetrics(options(registry), 'memory');
    const second = await loadSseMetrics(options(registry), 'memory');
    first.streamOpened(undefined);
    second.streamOpened(undefined);
    const opened = await registry
      .getSingleMetric('sse_streams_opened_total')!
      .get();
    expect(opened.values).toEqual([{ labels: {}, value: 2 }]);
  });

  it('refuses a registry holding a metric of the same name with other labels, naming the options that avoid it', async () => {
    const registry = new prom.Registry();
    new prom.Counter({
      name: 'sse_streams_opened_total',
      help: 'the application’s own',
      labelNames: ['route'],
      registers: [registry],
    });
    await expect(loadSseMetrics(options(registry), 'memory')).rejects.toThrow(
      'the metrics registry already holds a metric named "sse_streams_opened_total" of another type or with other labels: give the library\'s metrics a "metrics.prefix", or a registry of their own ("metrics.registry").',
    );
  });
});
