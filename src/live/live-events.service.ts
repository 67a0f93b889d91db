import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../database/database.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxRepository, type OutboxTarget } from './outbox.repository.js';
import type { AppEvent, AppEvents } from './app-events.js';

/**
 * A transaction that also records the live events announcing its change.
 * The events are rows of the `outbox` table, written in this transaction:
 * they exist if, and only if, the change commits, and are published after.
 */
export class LiveTransaction implements Queryable {
  constructor(
    private readonly tx: Queryable,
    private readonly outbox: OutboxRepository,
  ) {}

  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]> {
    return this.tx.query<T>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.tx.exec(sql);
  }

  /** `event` to every stream of the user, once committed. */
  toUser<K extends AppEvent>(
    userId: string,
    tenantId: string,
    event: K,
    data: AppEvents[K],
  ): Promise<void> {
    return this.add({ kind: 'user', id: userId, tenantId }, event, data);
  }

  /** `event` to the subscribers of the topic, once committed. */
  toTopic<K extends AppEvent>(
    topic: string,
    tenantId: string,
    event: K,
    data: AppEvents[K],
  ): Promise<void> {
    return this.add({ kind: 'topic', id: topic, tenantId }, event, data);
  }

  /** `event` to every stream of the tenant, once committed. */
  toTenant<K extends AppEvent>(
    tenantId: string,
    event: K,
    data: AppEvents[K],
  ): Promise<void> {
    return this.add({ kind: 'tenant', tenantId }, event, data);
  }

  private add(target: OutboxTarget, event: string, data: unknown) {
    return this.outbox.add(this.tx, target, event, data);
  }
}

/**
 * Changes and the live events that announce them, committed together (the
 * transactional outbox): the database is the source of truth, so an event
 * is never published for a change that rolled back, and never lost for one
 * that committed, even when the SSE transport is unreachable at that moment
 * or the process stops right after the commit (see `OutboxRelay`).
 *
 * @example
 * ```ts
 * const note = await this.live.transaction(async (tx) => {
 *   const stored = await this.notifications.create(n, tx);
 *   await tx.toUser(n.recipientId, n.tenantId, 'notification', stored);
 *   return stored;
 * });
 * ```
 */
@Injectable()
export class LiveEvents {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** Events the broker refused (too large, an invalid topic) and that were given up, since start. */
  get failures(): number {
    return this.relay.failures;
  }

  /**
   * Runs `work` in one transaction; once it has committed, publishes the
   * events it recorded before resolving (on the happy path; while the
   * transport is unavailable they are retried in the background).
   */
  async transaction<T>(work: (tx: LiveTransaction) => Promise<T>): Promise<T> {
    const result = await this.db.transaction((tx) =>
      work(new LiveTransaction(tx, this.outbox)),
    );
    await this.relay.flush();
    return result;
  }
}
