import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DatabaseUnavailableFilter } from './database-unavailable.filter.js';
import { Database } from './database.js';
import { migrate } from './migrator.js';
import { pgliteDataDir } from './pglite-data-dir.js';
import { PgliteDatabase } from './pglite.database.js';
import { PostgresDatabase } from './postgres.database.js';

/**
 * Opens the database (PostgreSQL with `DATABASE_URL`, otherwise an in-process
 * PGlite, kept in `PGLITE_DATA_DIR`: `.data/pglite` by default, `memory://`
 * for none) and brings its schema up to date before the application serves
 * requests. A request that needs the database while it is unreachable
 * answers 503 `database_unavailable` (`DatabaseUnavailableFilter`).
 */
@Global()
@Module({
  providers: [
    { provide: APP_FILTER, useClass: DatabaseUnavailableFilter },
    {
      provide: Database,
      useFactory: async (): Promise<Database> => {
        const url = process.env.DATABASE_URL;
        const db = url
          ? new PostgresDatabase(url)
          : await PgliteDatabase.open(pgliteDataDir());
        const applied = await migrate(db);
        new Logger('Database').log(
          `${db.kind} ready${applied.length ? `; applied ${applied.join(', ')}` : ''}`,
        );
        return db;
      },
    },
  ],
  exports: [Database],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  onApplicationShutdown(): Promise<void> {
    return this.db.close();
  }
}
