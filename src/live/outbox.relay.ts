import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  ShuttingDownError,
  SseBroker,
  SseError,
  TransportUnavailableError,
} from 'nestjs-sse-broker';
import { OUTBOX_OPTIONS, type OutboxOptions } from '../config/outbox.config.js';
import { type OutboxEntry, OutboxRepository } from './outbox.repository.js';

/** Entries claimed per round trip. */
const BATCH = 100;
/** First wait before a retry; it doubles up to `maxBackoffMs`. */
const FIRST_BACKOFF_MS = 250;
/** Attempts before an entry that fails for another reason than the transport is given up. */
const MAX_ATTEMPTS = 5;
/** Sweeps between two prunes of published entries. */
const SWEEPS_PER_PRUNE = 12;

/**
 * Publishes the outbox: the events committed with the changes they announce.
 *
 * - Right after a commit (`flush()`, awaited by the request that committed),
 *   so the happy path has no polling delay; every `sweepMs` and at start-up,
 *   for entries left pending by a crash or a failure.
 * - In order: one pass at a time per process, entries oldest first, and a
 *   pass stops at the first entry it cannot publish, so nothing of a target
 *   overtakes an earlier event (across instances, see
 *   `OutboxRepository.claim`).
 * - Each publish carries the entry's idempotency key: an entry published but
 *   not marked (a crash, a lost database connection) is published again and
 *   delivered once (within the broker's `history.ttl`).
 * - While the transport is unavailable (`isReady()` false, or
 *   `transport_unavailable`), it retries with a backoff from 250 ms doubling
 *   to `maxBackoffMs`; an entry the broker refuses (too large, an invalid
 *   topic) is given up at once, logged and counted in `failures`.
 * - Published entries are deleted after `retentionMs`.
 */
@Injectable()
export class OutboxRelay
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Outbox');
  private failed = 0;
  private draining = false;
  /** Callers waiting for the next pass; each resolves after a pass that started after its call. */
  private waiting: Array<() => void> = [];
  private retryTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private backoffMs = 0;
  private sweeps = 0;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  /** Whether the last pass could not reach the transport (logged once per outage). */
  private blocked = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly broker: SseBroker,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {}

  /** Entries given up since start (the broker refused them). */
  get failures(): number {
    return this.failed;
  }

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepMs);
    void this.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.retryTimer);
    await this.idle;
    this.waiting.splice(0).forEach((resolve) => resolve());
  }

  /**
   * Publishes what is pending now. Resolves once a pass that started after
   * the call has ended, published or not (never rejects): a request awaits
   * it so that its events are out before it answers, on the happy path.
   */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiting.push(resolve));
    if (!this.draining) this.idle = this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const served = this.waiting.splice(0);
        await this.pass().catch((err: Error & { code?: string }) => {
          // The database is unreachable: its own log says so once per outage.
          this.logger.debug(`pass failed (${err.code ?? err.name})`);
          this.retryLater();
        });
        served.forEach((resolve) => resolve());
      }
    } finally {
      this.draining = false;
    }
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    if (!this.broker.isReady()) return this.transportDown();
    for (;;) {
      const batch = await this.outbox.claim(
        this.broker.instanceId,
        BATCH,
        this.options.leaseMs,
      );
      if (!(await this.publish(batch))) return this.transportDown();
      if (batch.length < BATCH) break;
    }
    if (this.blocked)
      this.logger.log('the transport is back: pending events are published');
    this.blocked = false;
    this.backoffMs = 0;
  }

  /** Publishes a claimed batch in order; false when an entry is to be retried (it and the rest are handed back). */
  private async publish(batch: OutboxEntry[]): Promise<boolean> {
    const published: string[] = [];
    try {
      for (const [index, entry] of batch.entries()) {
        const outcome = await this.publishOne(entry);
        if (outcome === 'published') published.push(entry.id);
        else if (outcome !== 'given up') {
          const rest = batch.slice(index + 1).map((e) => e.id);
          await this.outbox.release(rest, {
            id: entry.id,
            error: outcome.retry,
          });
          return false;
        }
      }
      return true;
    } finally {
      await this.outbox.markPublished(published);
    }
  }

  private async publishOne(
    entry: OutboxEntry,
  ): Promise<'published' | 'given up' | { retry: string }> {
    const { target, event, data, idempotencyKey } = entry;
    const options = { tenantId: target.tenantId, idempotencyKey };
    try {
      if (target.kind === 'user')
        await this.broker.sendToUser(target.id, event, data, options);
      else if (target.kind === 'topic')
        await this.broker.sendToTopic(target.id, event, data, options);
      else await this.broker.broadcast(event, data, options);
      return 'published';
    } catch (err) {
      const code = err instanceof SseError ? err.code : (err as Error).name;
      // The broker refused the entry itself (too large, an invalid topic):
      // retrying cannot help. Any other failure may pass.
      const transient =
        err instanceof TransportUnavailableError ||
        err instanceof ShuttingDownError;
      const permanent =
        err instanceof SseError
          ? !transient
          : entry.attempts + 1 >= MAX_ATTEMPTS;
      if (!permanent) return { retry: code };
      this.failed++;
      this.logger.error(
        `event "${event}" (outbox ${entry.id}) cannot be published and is given up: ${code}`,
      );
      await this.outbox.markFailed(entry.id, code);
      return 'given up';
    }
  }

  private transportDown(): void {
    if (!this.blocked)
      this.logger.warn(
        'the SSE transport is unavailable: committed events wait in the outbox and are retried',
      );
    this.blocked = true;
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.backoffMs = Math.min(
      this.backoffMs ? this.backoffMs * 2 : FIRST_BACKOFF_MS,
      this.options.maxBackoffMs,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.backoffMs);
  }

  private sweep(): void {
    void this.flush();
    if (++this.sweeps % SWEEPS_PER_PRUNE !== 0) return;
    this.outbox.prune(this.options.retentionMs).then(
      (deleted) => {
        if (deleted > 0)
          this.logger.debug(`pruned ${deleted} published entries`);
      },
      () => undefined,
    );
  }
}
