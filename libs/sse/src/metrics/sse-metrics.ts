import type * as PromClient from 'prom-client';
import type { SseReadOutcome } from '../core/sse-position.js';
import type { SseCloseReason } from '../core/sse-reasons.js';
import type { SseTargetType } from '../core/sse-target.js';
import { InvalidSseOptionsError } from '../errors/invalid-sse-options.error.js';
import { SSE_MESSAGES } from '../errors/sse-error.messages.js';
import type { SseMetricsRecorder } from './sse-metrics-recorder.interface.js';
import type {
  ResolvedSseMetricsOptions,
  SseMetricsRegistry,
} from '../options/sse-metrics-options.interface.js';

type Prom = typeof PromClient;
type Labels = Record<string, string>;

/** No tenant label: one shared object instead of one per call. */
const NO_LABELS: Labels = Object.freeze({});

/**
 * The library's Prometheus metrics (`sse_…`, listed in docs/API.md), fed by
 * the connection hub at the points where it already counts for
 * `getStats()`. Created only with the `metrics` option, so without it
 * nothing here runs.
 *
 * Registration: each metric is taken from the registry when one of that
 * name is already there (of the same type and labels), and created
 * otherwise. Several registrations, or an application started again in the
 * same process, therefore share the metrics and add up instead of failing
 * with "already registered"; `sse_transport_ready` shows the latest change
 * of any of them. Labels never carry a user id, client id or topic.
 * @internal
 */
export class SseMetrics implements SseMetricsRecorder {
  private readonly tenantLabel: boolean;
  private readonly open: PromClient.Gauge;
  private readonly opened: PromClient.Counter;
  private readonly closed: PromClient.Counter;
  private readonly refusals: PromClient.Counter;
  private readonly published: PromClient.Counter;
  private readonly delivered: PromClient.Counter;
  private readonly dropped: PromClient.Counter;
  private readonly replays: PromClient.Counter;
  private readonly publishDuration: PromClient.Histogram;
  private readonly publishToWrite: PromClient.Histogram;
  private readonly ready: PromClient.Gauge;
  private readonly resumes: PromClient.Counter;
  private readonly canaryMisses: PromClient.Counter;

  constructor(
    prom: Prom,
    options: ResolvedSseMetricsOptions,
    private readonly transport: 'memory' | 'redis',
  ) {
    const registry = (options.registry ?? prom.register) as PromClient.Registry;
    const { prefix, tenantLabel, buckets } = options;
    this.tenantLabel = tenantLabel;
    const tenant = tenantLabel ? ['tenant'] : [];
    const take = <M>(
      Kind: new (config: never) => M,
      name: string,
      help: string,
      labelNames: string[],
      extra: object = {},
    ): M =>
      reuseOrCreate(registry, Kind, {
        name: `${prefix}${name}`,
        help,
        labelNames,
        ...extra,
      });
    this.open = take(
      prom.Gauge,
      'sse_streams_open',
      'Streams open on this instance.',
      tenant,
    );
    this.opened = take(
      prom.Counter,
      'sse_streams_opened_total',
      'Streams opened (after admission, once the stream started).',
      tenant,
    );
    this.closed = take(
      prom.Counter,
      'sse_streams_closed_total',
      'Streams closed, by reason.',
      ['reason', ...tenant],
    );
    this.refusals = take(
      prom.Counter,
      'sse_connections_refused_total',
      'Stream requests refused, by error code (per-address rate limits, decided before authentication, included).',
      ['code'],
    );
    this.published = take(
      prom.Counter,
      'sse_messages_published_total',
      'Messages published through this instance, by target type.',
      ['target', ...tenant],
    );
    this.delivered = take(
      prom.Counter,
      'sse_events_delivered_total',
      'Messages written to streams of this instance (one per stream).',
      tenant,
    );
    this.dropped = take(
      prom.Counter,
      'sse_events_dropped_total',
      'Messages dropped because their stream was closed before they were written (slow consumers and closing streams).',
      tenant,
    );
    this.replays = take(
      prom.Counter,
      'sse_replays_total',
      'History reads after a cursor: replayed, or reset with its reason.',
      ['outcome', 'reason'],
    );
    this.publishDuration = take(
      prom.Histogram,
      'sse_publish_duration_seconds',
      'Time from a publish call to its message being stored and handed to the transport, by target type.',
      ['target'],
      { buckets: buckets.publishDuration },
    );
    this.publishToWrite = take(
      prom.Histogram,
      'sse_publish_to_write_seconds',
      "Time from a message's creation to its hand-off to the streams of this instance, which write it at once unless their socket is full (one observation per message and instance).",
      tenant,
      { buckets: buckets.publishToWrite },
    );
    this.ready = take(
      prom.Gauge,
      'sse_transport_ready',
      'Whether the transport can publish and deliver (1) or not (0), by transport.',
      ['transport'],
    );
    this.resumes = take(
      prom.Counter,
      'sse_transport_resumes_total',
      "Times this instance's streams resumed from the history after the transport may have lost messages (Redis: a reconnected subscriber, a new epoch).",
      [],
    );
    this.canaryMisses = take(
      prom.Counter,
      'sse_redis_canary_misses_total',
      'Canaries the Redis subscriber missed (each one reconnects it).',
      [],
    );
  }

  streamOpened(tenantId: string | undefined): void {
    const labels = this.labels(tenantId);
    this.opened.inc(labels);
    this.open.inc(labels);
  }

  streamClosed(
    reason: SseCloseReason,
    tenantId: string | undefined,
    dropped: number,
  ): void {
    const labels = this.labels(tenantId);
    this.open.dec(labels);
    this.closed.inc(
      this.tenantLabel ? { reason, tenant: tenantId ?? '' } : { reason },
    );
    if (dropped > 0) this.dropped.inc(labels, dropped);
  }

  droppedUnopened(tenantId: string | undefined, dropped: number): void {
    if (dropped > 0) this.dropped.inc(this.labels(tenantId), dropped);
  }

  refused(code: string): void {
    this.refusals.inc({ code });
  }

  messagePublished(
    target: SseTargetType,
    tenantId: string | undefined,
    startedAt: number,
  ): void {
    this.published.inc(
      this.tenantLabel ? { target, tenant: tenantId ?? '' } : { target },
    );
    this.publishDuration.observe(
      { target },
      (performance.now() - startedAt) / 1_000,
    );
  }

  eventDelivered(tenantId: string | undefined): void {
    // Without labels, prom-client neither hashes nor validates any.
    if (this.tenantLabel) this.delivered.inc({ tenant: tenantId ?? '' });
    else this.delivered.inc();
  }

  messageDispatched(createdAt: number, tenantId: string | undefined): void {
    // Another instance's clock may be ahead: never a negative latency.
    this.publishToWrite.observe(
      this.labels(tenantId),
      Math.max(0, Date.now() - createdAt) / 1_000,
    );
  }

  replayEnded(outcome: SseReadOutcome | undefined): void {
    if (outcome === undefined)
      this.replays.inc({ outcome: 'reset', reason: 'history_gap' });
    else if ('reset' in outcome)
      this.replays.inc({ outcome: 'reset', reason: outcome.reset });
    else this.replays.inc({ outcome: 'replayed' });
  }

  transportReady(ready: boolean): void {
    this.ready.set({ transport: this.transport }, ready ? 1 : 0);
  }

  transportResumed(): void {
    this.resumes.inc();
  }

  canaryMissed(): void {
    this.canaryMisses.inc();
  }

  private labels(tenantId: string | undefined): Labels {
    return this.tenantLabel ? { tenant: tenantId ?? '' } : NO_LABELS;
  }
}

/** The registry's metric of this name if it has the same type and labels; a new one if it has none. */
function reuseOrCreate<M>(
  registry: SseMetricsRegistry,
  Kind: new (config: never) => M,
  config: { name: string; help: string; labelNames: string[] },
): M {
  const existing = registry.getSingleMetric(config.name) as
    (M & { labelNames?: string[] }) | undefined;
  if (existing === undefined)
    return new Kind({ ...config, registers: [registry] } as never);
  const labels = [...(existing.labelNames ?? [])].sort().join();
  if (
    !(existing instanceof Kind) ||
    labels !== [...config.labelNames].sort().join()
  )
    throw new InvalidSseOptionsError(SSE_MESSAGES.METRIC_CONFLICT(config.name));
  return existing;
}
