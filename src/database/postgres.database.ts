import { Logger } from '@nestjs/common';
import pg from 'pg';
import {
  DatabaseUnavailableError,
  isUnavailable,
} from './database-unavailable.error.js';
import { Database, type Queryable } from './database.js';

/** How long a new connection may take before the query that needed it fails. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * PostgreSQL through a `pg` connection pool.
 *
 * A connection can be lost at any time (a restart, a failover,
 * `pg_terminate_backend`). `pg` reports it as an `error` event, which Node
 * turns into an uncaught exception when nobody listens: every listener here
 * exists so that a lost connection costs at most the query running on it. The
 * pool drops a broken connection and opens a new one for the next query.
 *
 * While PostgreSQL cannot be reached, every query rejects with
 * `DatabaseUnavailableError` (503 `database_unavailable` for a request), and
 * the outage is logged once when it starts and once when a query succeeds
 * again, never once per request.
 */
export class PostgresDatabase extends Database {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private readonly logger = new Logger('Database');
  /** Whether an outage (a lost connection, an unreachable server) has been logged and not yet seen to end. */
  private degraded = false;
  /** Whether a query failed during the current outage (then its end is logged). */
  private failing = false;

  constructor(connectionString: string) {
    super();
    this.pool = new pg.Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    this.pool.on('error', (err) => this.connectionLost(err));
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.reaching(
      async () => (await this.pool.query(sql, params)).rows as T[],
    );
  }

  exec(sql: string): Promise<void> {
    return this.reaching(async () => void (await this.pool.query(sql)));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.reaching(() => this.inTransaction(work));
  }

  private async inTransaction<T>(
    work: (tx: Queryable) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    // The pool listens to idle connections only; this one is checked out.
    const onError = (err: Error) => this.connectionLost(err);
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as R[],
        exec: async (sql: string) => void (await client.query(sql)),
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A failed ROLLBACK means the connection is gone: keep the first error,
      // and do not hand the connection back to the pool.
      await client.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /**
   * Runs `operation`, turning an unreachable database into
   * `DatabaseUnavailableError`, and logs an outage's start and end once each.
   */
  private async reaching<T>(operation: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await operation();
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      this.outage(err as Error & { code?: string });
      throw new DatabaseUnavailableError({ cause: err });
    }
    if (this.degraded) {
      if (this.failing)
        this.logger.log('PostgreSQL is reachable again; requests are served');
      this.degraded = this.failing = false;
    }
    return result;
  }

  private outage(err: Error & { code?: string }): void {
    this.failing = true;
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      `PostgreSQL is unreachable (${describe(err)}); requests that need it answer 503 until it is back`,
    );
  }

  /**
   * Logs a lost connection (once per outage: when PostgreSQL goes away, every
   * idle connection reports it).
   */
  private connectionLost(err: Error & { code?: string }): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      `a database connection was lost (${describe(err)}); the pool opens a new one for the next query`,
    );
  }
}

/**
 * An error by its SQLSTATE or errno code only: `pg` messages can carry the
 * host and port, and the connection string is never logged.
 */
function describe(err: Error & { code?: string }): string {
  return (
    err.code ?? (err.message.startsWith('timeout') ? 'timeout' : 'no code')
  );
}
