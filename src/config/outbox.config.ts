import { positiveInteger } from './positive-integer.util.js';

/** How the outbox relay catches up and how long it keeps what it published. */
export interface OutboxOptions {
  /**
   * Milliseconds between two sweeps for entries left pending (a crash
   * between a commit and its publish, another instance's expired claim);
   * `OUTBOX_SWEEP_MS`. Entries are published right after their commit; the
   * sweep only catches up. @default 5000
   */
  sweepMs: number;
  /** Milliseconds a published entry is kept before it is deleted; `OUTBOX_RETENTION_MS`. @default 3600000 (1 hour) */
  retentionMs: number;
  /**
   * Milliseconds a relay's claim on entries lasts; after a crash, another
   * instance publishes them once it has expired; `OUTBOX_LEASE_MS`. @default 30000
   */
  leaseMs: number;
  /** Longest wait between two retries while the transport is unavailable; `OUTBOX_MAX_BACKOFF_MS`. @default 10000 */
  maxBackoffMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  sweepMs: 5_000,
  retentionMs: 60 * 60_000,
  leaseMs: 30_000,
  maxBackoffMs: 10_000,
};

/** Injection token of the resolved {@link OutboxOptions}. */
export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

/** The outbox options from the environment; a value that is not a positive integer stops start-up. */
export function outboxOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): OutboxOptions {
  const d = DEFAULT_OUTBOX_OPTIONS;
  return {
    sweepMs: positiveInteger(env, 'OUTBOX_SWEEP_MS', d.sweepMs),
    retentionMs: positiveInteger(env, 'OUTBOX_RETENTION_MS', d.retentionMs),
    leaseMs: positiveInteger(env, 'OUTBOX_LEASE_MS', d.leaseMs),
    maxBackoffMs: positiveInteger(env, 'OUTBOX_MAX_BACKOFF_MS', d.maxBackoffMs),
  };
}
