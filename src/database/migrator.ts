import type { Database } from './database.js';
import { MIGRATIONS } from './migrations.js';

/** Applies the migrations not yet recorded, each in its own transaction. Returns the ids applied. */
export async function migrate(db: Database): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set(
    (await db.query<{ id: string }>('SELECT id FROM schema_migrations')).map(
      (r) => r.id,
    ),
  );
  const applied: string[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.id)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [
        migration.id,
      ]);
    });
    applied.push(migration.id);
  }
  return applied;
}
