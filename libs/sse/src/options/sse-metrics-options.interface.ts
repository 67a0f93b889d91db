/**
 * Where the metrics are registered: a prom-client `Registry` (any object
 * with these two methods). Declared here so that the library's types do not
 * need prom-client installed.
 * @publicApi
 */
export interface SseMetricsRegistry {
  registerMetric(metric: never): void;
  getSingleMetric(name: string): unknown;
}

/**
 * Prometheus metrics (`metrics: true` or this object). They need the
 * `prom-client` package (an optional peer dependency, loaded only when
 * metrics are on).
 * @publicApi
 */
export interface SseMetricsOptions {
  /**
   * The prom-client `Registry` to register on.
   * @default prom-client's default registry (`register`)
   */
  registry?: SseMetricsRegistry;
  /**
   * Put before every metric's name (`'myapp_'` gives `myapp_sse_streams_open`):
   * letters, digits, `_` and `:`, not starting with a digit.
   * @default ''
   */
  prefix?: string;
  /**
   * Adds a `tenant` label (the tenant id, `''` without one) to the stream
   * and event metrics. Off by default: every tenant is a series of its
   * own, so turn it on only with a bounded number of tenants.
   * @default false
   */
  tenantLabel?: boolean;
  /**
   * Histogram buckets in seconds (ascending, 1 to 30 of them) of
   * `sse_publish_duration_seconds` and `sse_publish_to_write_seconds`.
   * @default { publishDuration: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], publishToWrite: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] }
   */
  buckets?: {
    publishDuration?: number[];
    publishToWrite?: number[];
  };
}

/** {@link SseMetricsOptions} after defaults (`registry` stays unset for prom-client's default). @publicApi */
export interface ResolvedSseMetricsOptions {
  registry?: SseMetricsRegistry;
  prefix: string;
  tenantLabel: boolean;
  buckets: { publishDuration: number[]; publishToWrite: number[] };
}
