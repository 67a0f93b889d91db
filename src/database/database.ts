/** Something SQL can be run on: the database, or a transaction of it. */
export interface Queryable {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
}

/**
 * The demo's SQL database: PostgreSQL when `DATABASE_URL` is set, otherwise
 * PGlite (PostgreSQL compiled to WebAssembly, in this process), so that the
 * same SQL, migrations and repositories serve both.
 */
export abstract class Database implements Queryable {
  abstract query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  abstract close(): Promise<void>;
  /** 'postgres' or 'pglite', for logs. */
  abstract readonly kind: string;
}
