/** Something SQL can be run on: the database, or a transaction of it. */
export interface Queryable {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The demo's SQL database: PostgreSQL when `DATABASE_URL` is set, otherwise
 * PGlite (PostgreSQL compiled to WebAssembly, in this process), so that the
 * same SQL, migrations and repositories serve both.
 */
export abstract class Database implements Queryable {
  /** 'postgres' or 'pglite', for logs. */
  abstract readonly kind: string;
  abstract query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  abstract exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
}
