import { readdir, readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Database } from './database.js';

const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  script: string;
}

/** Reads the numbered, forward-only SQL files in `migrations/`, in order. */
export async function readMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`Migration file name "${file}" must look like 0001_name.sql`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`Migration version ${version} is used twice`);
    migrations.push({ version, name: match[2] ?? file, script: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8') });
  }
  return migrations;
}

/** Applies every migration not yet recorded; returns the versions applied by this call. */
export async function migrate(database: Database): Promise<number[]> {
  const applied: number[] = [];
  for (const migration of await readMigrations()) {
    if (await database.applyMigration(migration)) applied.push(migration.version);
  }
  return applied;
}

/** Versions known on disk but not yet applied; empty means the schema is current. */
export async function pendingMigrations(database: Database): Promise<number[]> {
  const known = await readMigrations();
  const rows = await sql<{ version: number }>`select version from schema_migrations`
    .execute(database.db)
    .then((result) => result.rows)
    .catch(() => []);
  const done = new Set(rows.map((row) => row.version));
  return known.filter((m) => !done.has(m.version)).map((m) => m.version);
}
