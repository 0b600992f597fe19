import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a
 * private schema on the PostgreSQL server named by RAPPORT_TEST_DATABASE_URL.
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.RAPPORT_TEST_DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await migrate(database);
    return database;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Extensions are per database; put pg_trgm in public so every test schema sees it.
    await admin.query('create extension if not exists pg_trgm schema public').catch(() => undefined);
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: url, poolSize: 5, searchPath: `${schema},public` });
  await migrate(database);
  const close = database.close;
  return {
    ...database,
    async close() {
      await close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      try {
        await cleanup.query(`drop schema ${schema} cascade`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
