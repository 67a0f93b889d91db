import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../database/database.js';

/** Who receives an event: one user, one topic, or every stream of the tenant. */
export type OutboxTarget =
  | { kind: 'user'; id: string; tenantId: string }
  | { kind: 'topic'; id: string; tenantId: string }
  | { kind: 'tenant'; tenantId: string };

/** An event waiting to be published, as the relay claims it. */
export interface OutboxEntry {
  id: string;
  target: OutboxTarget;
  event: string;
  data: unknown;
  /** Sent with the publish, so that publishing the entry twice delivers it once. */
  idempotencyKey: string;
  attempts: number;
}

interface Row {
  id: string | number;
  tenant_id: string;
  target_kind: OutboxTarget['kind'];
  target_id: string | null;
  event: string;
  data: unknown;
  idempotency_key: string;
  attempts: number;
}

const toEntry = (row: Row): OutboxEntry => ({
  id: String(row.id),
  target:
    row.target_kind === 'tenant'
      ? { kind: 'tenant', tenantId: row.tenant_id }
      : { kind: row.target_kind, id: row.target_id!, tenantId: row.tenant_id },
  event: row.event,
  data: row.data,
  idempotencyKey: row.idempotency_key,
  attempts: row.attempts,
});

/** Any 64-bit constant will do: it names the claim lock among the application's advisory locks. */
const CLAIM_LOCK = 7_363_001;

/**
 * The `outbox` table: events written in the transaction of the change they
 * announce, claimed and marked by the relay.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  /** Records an event in `tx`: it exists if, and only if, the change commits. */
  async add(
    tx: Queryable,
    target: OutboxTarget,
    event: string,
    data: unknown,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO outbox (tenant_id, target_kind, target_id, event, data, idempotency_key)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [
        target.tenantId,
        target.kind,
        target.kind === 'tenant' ? null : target.id,
        event,
        JSON.stringify(data ?? null),
        `outbox-${randomUUID()}`,
      ],
    );
  }

  /**
   * Claims up to `limit` pending entries, oldest first, for `leaseMs`: no
   * other relay takes them until the lease ends (it then may, after a crash;
   * the idempotency key makes that second publish harmless).
   *
   * Claims are serialised by an advisory lock held for this one statement's
   * transaction, and an entry is skipped while an older entry for the same
   * target is claimed by someone else: so two instances never publish events
   * of one target out of order. (`FOR UPDATE SKIP LOCKED` alone would let a
   * second instance claim a newer entry of a target while the first one's
   * claim of an older entry is not yet committed.)
   */
  claim(
    claimant: string,
    limit: number,
    leaseMs: number,
  ): Promise<OutboxEntry[]> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
      const rows = await tx.query<Row>(
        `UPDATE outbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2::double precision / 1000)
         WHERE id IN (
           SELECT o.id FROM outbox o
           WHERE o.published_at IS NULL AND o.failed_at IS NULL
             AND (o.claimed_until IS NULL OR o.claimed_until < now())
             AND NOT EXISTS (
               SELECT 1 FROM outbox older
               WHERE older.tenant_id = o.tenant_id AND older.target_kind = o.target_kind
                 AND older.target_id IS NOT DISTINCT FROM o.target_id AND older.id < o.id
                 AND older.published_at IS NULL AND older.failed_at IS NULL
                 AND older.claimed_until >= now())
           ORDER BY o.id LIMIT $3)
         RETURNING id, tenant_id, target_kind, target_id, event, data, idempotency_key, attempts`,
        [claimant, leaseMs, limit],
      );
      return rows
        .map(toEntry)
        .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    });
  }

  async markPublished(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      'UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])',
      [ids],
    );
  }

  /** Hands claimed entries back (not attempted, or to be retried), counting a failed attempt on `failed`. */
  async release(
    ids: string[],
    failed?: { id: string; error: string },
  ): Promise<void> {
    if (failed)
      await this.db.query(
        'UPDATE outbox SET claimed_until = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $1::bigint',
        [failed.id, failed.error],
      );
    if (ids.length > 0)
      await this.db.query(
        'UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[])',
        [ids],
      );
  }

  /** Gives up on an entry that can never be published (it is kept, with the reason, until pruned). */
  async markFailed(id: string, error: string): Promise<void> {
    await this.db.query(
      'UPDATE outbox SET failed_at = now(), claimed_until = NULL, attempts = attempts + 1, last_error = $2 WHERE id = $1::bigint',
      [id, error],
    );
  }

  /** Deletes the entries published (or given up) more than `olderThanMs` ago; returns how many. */
  async prune(olderThanMs: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM outbox
       WHERE (published_at IS NOT NULL OR failed_at IS NOT NULL)
         AND coalesce(published_at, failed_at) < now() - make_interval(secs => $1::double precision / 1000)
       RETURNING id`,
      [olderThanMs],
    );
    return rows.length;
  }

  /** Entries not yet published nor given up. */
  async pending(): Promise<number> {
    const [row] = await this.db.query<{ count: string | number }>(
      'SELECT count(*) AS count FROM outbox WHERE published_at IS NULL AND failed_at IS NULL',
    );
    return Number(row.count);
  }
}
