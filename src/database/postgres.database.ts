import { Logger } from '@nestjs/common';
import pg from 'pg';
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
 */
export class PostgresDatabase extends Database {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private readonly logger = new Logger('Database');

  constructor(connectionString: string) {
    super();
    this.pool = new pg.Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    this.pool.on('error', (err) => this.connectionLost(err));
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
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
   * Logs a lost connection by its SQLSTATE or errno code only: `pg` messages
   * can carry the host and port, and the connection string is never logged.
   */
  private connectionLost(err: Error & { code?: string }): void {
    this.logger.warn(
      `a database connection was lost (${err.code ?? 'no code'}); the pool opens a new one for the next query`,
    );
  }
}
