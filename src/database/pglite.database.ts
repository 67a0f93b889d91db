import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { Database, type Queryable } from './database.js';
import { IN_MEMORY } from './pglite-data-dir.js';

/**
 * PostgreSQL settings for a small embedded database. `shared_buffers` is
 * PostgreSQL's page cache, allocated inside PGlite's WebAssembly memory:
 * the default 128 MB grows that memory from its 128 MB minimum to about
 * 190 MB, for a demo whose data fits in a few megabytes.
 */
const SETTINGS = [
  'shared_buffers = 16MB',
  'maintenance_work_mem = 8MB',
  'temp_buffers = 1MB',
].join('\n');

/** How long creating a new database directory may take (WebAssembly compilation on a busy machine). */
const INIT_TIMEOUT_MS = 180_000;

/**
 * PGlite: PostgreSQL in WebAssembly, in `dataDir` (or in memory with
 * `memory://`), no server needed.
 *
 * Memory: creating a database (initdb) takes about 600 MB of WebAssembly
 * memory and file buffers that the process keeps once it has grown to them.
 * A new directory is therefore created by a short-lived child process, and
 * this process only opens it: its PGlite then holds PGlite's 128 MB minimum
 * of WebAssembly memory (see `SETTINGS`). An in-memory database has no
 * directory to hand over and is created in this process.
 */
export class PgliteDatabase extends Database {
  readonly kind = 'pglite';

  private constructor(private readonly db: PGlite) {
    super();
  }

  static async open(dataDir: string): Promise<PgliteDatabase> {
    if (dataDir !== IN_MEMORY && !existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dataDir, { recursive: true });
      await createApart(dataDir);
    }
    const db = new PGlite(dataDir, { postgresqlconf: SETTINGS });
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

/** The script the child process runs: create the database in the directory, and close it. */
const CREATE = `
const { PGlite } = require(process.env.PGLITE_MODULE);
const db = new PGlite(process.env.PGLITE_DIR, { postgresqlconf: process.env.PGLITE_SETTINGS });
db.waitReady.then(() => db.close()).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});`;

/**
 * PGlite's CommonJS entry, for the child. Resolved from this module; a
 * bundled build (which fixes this module's URL at build time) that runs from
 * another directory resolves it from the working directory instead.
 */
function pgliteModule(): string {
  try {
    return createRequire(import.meta.url).resolve('@electric-sql/pglite');
  } catch {
    return createRequire(join(process.cwd(), 'package.json')).resolve(
      '@electric-sql/pglite',
    );
  }
}

/** Creates a database in `dataDir` in a child process, whose memory is returned to the system when it exits. */
async function createApart(dataDir: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, ['-e', CREATE], {
      env: {
        PATH: process.env.PATH,
        PGLITE_MODULE: pgliteModule(),
        PGLITE_DIR: dataDir,
        PGLITE_SETTINGS: SETTINGS,
      },
      timeout: INIT_TIMEOUT_MS,
    });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(
      `could not create the embedded database in ${dataDir}: ${stderr?.trim() || (err as Error).message}`,
    );
  }
}
