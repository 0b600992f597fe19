import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Selectable } from 'kysely';
import { AppError } from '../errors.js';
import type { Database, DatabaseKind } from './database.js';
import type { SchemaMigrationsTable } from './schema.js';

// The column the baseline gives schema_migrations, until src/db/tables.ts (being split by
// capability) declares it itself; then this block goes.
const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  script: string;
  /** sha256 of the file's bytes, hex: recorded when applied, compared at every start. */
  checksum: string;
}

type AppliedMigration = Pick<Selectable<SchemaMigrationsTable>, 'version' | 'name' | 'checksum'>;

export interface MigrationOptions {
  /** Where the numbered SQL files are; the repository's `migrations/` by default (tests use a copy). */
  directory?: string;
}

const fileName = (m: { version: number; name: string }): string => `${String(m.version).padStart(4, '0')}_${m.name}.sql`;

/** The directory as a person finds it from where they ran the command. */
function shownDirectory(directory: string): string {
  const shown = relative(process.cwd(), directory);
  return shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : directory;
}

/** Reads the numbered, forward-only SQL files in `migrations/`, in order. */
export async function readMigrations(directory = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`Migration file name "${file}" must look like 0001_name.sql`);
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`Migration version ${version} is used twice`);
    const bytes = await readFile(join(directory, file));
    migrations.push({
      version,
      name: match[2] ?? file,
      script: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return migrations;
}

/**
 * What this database has applied. Empty before the baseline has run (it creates the table).
 * A history without checksums was written by the migrations squashed into the baseline.
 */
async function readAppliedMigrations({ db, kind }: Database, directory: string): Promise<AppliedMigration[]> {
  // current_schema(): the schema the baseline creates its tables in (a test's private schema
  // on PostgreSQL), not another one further along the search path.
  const { rows: columns } = await sql<{ column_name: string }>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = 'schema_migrations'`.execute(db);
  if (columns.length === 0) return [];
  if (!columns.some((c) => c.column_name === 'checksum')) throw predatesBaseline(directory, kind);
  return db.selectFrom('schema_migrations').select(['version', 'name', 'checksum']).orderBy('version').execute();
}

function predatesBaseline(directory: string, kind: DatabaseKind): AppError {
  const recreate =
    kind === 'pglite'
      ? 'stop Rapport, delete its PGlite data directory (RAPPORT_DATA_DIR, ./.rapport by default) and start again'
      : 'drop and create the PostgreSQL database named by DATABASE_URL, then start Rapport again';
  return new AppError(
    'conflict',
    `This database was set up by an unreleased Rapport from before ${join(shownDirectory(directory), '0001_baseline.sql')} ` +
      '(its schema_migrations has no checksums), so its schema may differ from what this version expects. ' +
      `Nothing was changed. There is no upgrade from those versions: recreate the database (${recreate}).`,
    { reason: 'migrations_predate_baseline' },
  );
}

/**
 * The first applied migration whose file is gone or no longer what was applied: an edited
 * migration would leave this database silently different from a new one.
 */
function findBrokenHistory(applied: AppliedMigration[], known: Migration[], directory: string): AppError | undefined {
  const shown = shownDirectory(directory);
  for (const record of applied) {
    const file = join(shown, fileName(record));
    const migration = known.find((m) => m.version === record.version && m.name === record.name);
    if (!migration) {
      return new AppError(
        'conflict',
        `${file} was applied to this database but is no longer in ${shown}. ` +
          'Applied migrations are immutable: restore the file (or run the Rapport version that has it), ' +
          'and make any change with a new numbered migration instead.',
        { reason: 'migration_missing', migration: fileName(record) },
      );
    }
    if (migration.checksum !== record.checksum) {
      return new AppError(
        'conflict',
        `${file} was changed after it was applied to this database ` +
          `(recorded sha256 ${record.checksum.slice(0, 12)}…, file now ${migration.checksum.slice(0, 12)}…). ` +
          'Applied migrations are immutable: restore the file and add a new numbered migration instead.',
        { reason: 'migration_changed', migration: fileName(record), recorded: record.checksum, actual: migration.checksum },
      );
    }
  }
  return undefined;
}

/**
 * Applies every migration not yet recorded; returns the versions applied by this call.
 * Refuses, before applying anything, when an applied migration was changed or removed.
 */
export async function migrate(database: Database, options: MigrationOptions = {}): Promise<number[]> {
  const directory = options.directory ?? MIGRATIONS_DIR;
  const known = await readMigrations(directory);
  const broken = findBrokenHistory(await readAppliedMigrations(database, directory), known, directory);
  if (broken) throw broken;
  const applied: number[] = [];
  for (const migration of known) {
    if (await database.applyMigration(migration)) applied.push(migration.version);
  }
  return applied;
}

/** Versions known on disk but not yet applied; empty means the schema is current. */
export async function pendingMigrations(database: Database, options: MigrationOptions = {}): Promise<number[]> {
  const known = await readMigrations(options.directory);
  const rows = await sql<{ version: number }>`select version from schema_migrations`
    .execute(database.db)
    .then((result) => result.rows)
    .catch(() => []);
  const done = new Set(rows.map((row) => row.version));
  return known.filter((m) => !done.has(m.version)).map((m) => m.version);
}
