import { PGlite } from '@electric-sql/pglite';
import { Database, type Queryable } from './database.js';

/** PGlite: PostgreSQL in WebAssembly, in memory (or in `dataDir`), no server needed. */
export class PgliteDatabase extends Database {
  readonly kind = 'pglite';

  private constructor(private readonly db: PGlite) {
    super();
  }

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = new PGlite(dataDir);
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await tx.query<R>(sql, params)).rows,
      }),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
