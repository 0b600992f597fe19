import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { DB } from '../db/schema.js';

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
  const { schema, drop } = await createTestSchema(url, 'test');
  const database = await openDatabase({ databaseUrl: url, poolSize: 5, searchPath: `${schema},public` });
  await migrate(database);
  const close = database.close;
  return {
    ...database,
    async close() {
      await close();
      await drop();
    },
  };
}

/**
 * A private schema on the PostgreSQL server for one test file, and a way to drop it.
 * pg_trgm goes in public (extensions are per database), so every schema sees it.
 */
export async function createTestSchema(url: string, prefix: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(url, async (client) => {
    await client.query('create extension if not exists pg_trgm schema public').catch(() => undefined);
    await client.query(`create schema ${schema}`);
  });
  return { schema, drop: () => withClient(url, (client) => client.query(`drop schema ${schema} cascade`).then(() => undefined)) };
}

async function withClient(url: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** How many rows each table holds for one workspace: what a test checks to see that nothing was stored twice or lost. */
export async function countWorkspaceRows<T extends keyof DB>(
  db: Kysely<DB>,
  workspaceId: string,
  tables: readonly T[],
): Promise<Record<T, number>> {
  const counts = {} as Record<T, number>;
  for (const table of tables) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(
      db,
    );
    counts[table] = Number(rows[0]?.n);
  }
  return counts;
}
