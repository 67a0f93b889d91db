import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { Database, type Queryable } from './database.js';
import { IN_MEMORY } from './pglite-data-dir.js';

/** PGlite: PostgreSQL in WebAssembly, in `dataDir` (or in memory with `memory://`), no server needed. */
export class PgliteDatabase extends Database {
  readonly kind = 'pglite';

  private constructor(private readonly db: PGlite) {
    super();
  }

  static async open(dataDir: string): Promise<PgliteDatabase> {
    if (dataDir !== IN_MEMORY) await mkdir(dataDir, { recursive: true });
    const db = new PGlite(dataDir);
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return rows<T>(this.db, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: <R>(sql: string, params: unknown[] = []) =>
          rows<R>(tx, sql, params),
        exec: async (sql: string) => void (await tx.exec(sql)),
      }),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

async function rows<T>(
  on: PGlite | Transaction,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  return (await on.query<T>(sql, params)).rows;
}
