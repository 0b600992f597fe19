import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createTestSchema } from '../test/database.js';
import { freePort } from '../test/ports.js';
import { openDatabase, type Database, type OpenDatabaseOptions } from './database.js';
import { migrate } from './migrate.js';

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));
const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const EXTRA = 'create table extra_things (id text primary key);\n';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Where an empty database lives: in-memory PGlite (or a data directory, for the CLI), or a
 * private schema on RAPPORT_TEST_DATABASE_URL. Unlike openTestDatabase, nothing is migrated.
 */
async function blankDatabaseOptions(dataDir = 'memory://'): Promise<OpenDatabaseOptions> {
  const url = process.env.RAPPORT_TEST_DATABASE_URL;
  if (!url) return { dataDir };
  const { schema, drop } = await createTestSchema(url, 'migrate');
  cleanups.push(drop);
  return { databaseUrl: url, poolSize: 2, searchPath: `${schema},public` };
}

async function openBlank(): Promise<Database> {
  const database = await openDatabase(await blankDatabaseOptions());
  cleanups.push(() => database.close());
  return database;
}

/** A copy of migrations/ a test may change. */
function copyMigrations(): string {
  const directory = mkdtempSync(join(tmpdir(), 'rapport-migrations-'));
  cpSync(MIGRATIONS, directory, { recursive: true });
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function history(database: Database) {
  return database.db.selectFrom('schema_migrations').select(['version', 'name', 'checksum']).orderBy('version').execute();
}

async function exists(database: Database, table: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`select to_regclass(${table})::text as found`.execute(database.db);
  return rows[0]?.found != null;
}

/** What migrate threw: the AppError it must be. */
async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('migrate', () => {
  it('applies the baseline once, recording the sha256 of each file; applying again is a no-op', async () => {
    const database = await openBlank();
    expect(await migrate(database)).toEqual([1]);
    const recorded = await history(database);
    expect(recorded).toEqual([{ version: 1, name: 'baseline', checksum: sha256(join(MIGRATIONS, '0001_baseline.sql')) }]);
    expect(await migrate(database)).toEqual([]);
    expect(await history(database)).toEqual(recorded);
  });

  it('applies a new migration after the baseline, and records it', async () => {
    const database = await openBlank();
    const directory = copyMigrations();
    expect(await migrate(database, { directory })).toEqual([1]);
    writeFileSync(join(directory, '0002_extra.sql'), EXTRA);
    expect(await migrate(database, { directory })).toEqual([2]);
    expect(await exists(database, 'extra_things')).toBe(true);
    expect((await history(database)).map((m) => [m.version, m.name, m.checksum])).toEqual([
      [1, 'baseline', sha256(join(directory, '0001_baseline.sql'))],
      [2, 'extra', sha256(join(directory, '0002_extra.sql'))],
    ]);
  });

  it('refuses a changed applied migration with a clear message, and applies nothing', async () => {
    const database = await openBlank();
    const directory = copyMigrations();
    await migrate(database, { directory });
    const baseline = join(directory, '0001_baseline.sql');
    const recorded = sha256(baseline);
    appendFileSync(baseline, '-- an afterthought\n');
    writeFileSync(join(directory, '0002_extra.sql'), EXTRA);

    const error = await refusal(migrate(database, { directory }));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe(
      `${baseline} was changed after it was applied to this database ` +
        `(recorded sha256 ${recorded.slice(0, 12)}…, file now ${sha256(baseline).slice(0, 12)}…). ` +
        'Applied migrations are immutable: restore the file and add a new numbered migration instead.',
    );
    expect(error.details).toMatchObject({ reason: 'migration_changed', migration: '0001_baseline.sql', recorded });
    expect(await exists(database, 'extra_things')).toBe(false);
    expect((await history(database)).map((m) => m.version)).toEqual([1]);
  });

  it('refuses when an applied migration has no file any more', async () => {
    const database = await openBlank();
    const directory = copyMigrations();
    writeFileSync(join(directory, '0002_extra.sql'), EXTRA);
    await migrate(database, { directory });
    unlinkSync(join(directory, '0002_extra.sql'));

    const error = await refusal(migrate(database, { directory }));
    expect(error.message).toContain(`${join(directory, '0002_extra.sql')} was applied to this database but is no longer in ${directory}.`);
    expect(error.message).toContain('Applied migrations are immutable: restore the file');
    expect(error.details).toMatchObject({ reason: 'migration_missing', migration: '0002_extra.sql' });
  });

  it('refuses a database migrated before the baseline, and says to recreate it', async () => {
    const database = await openBlank();
    // What the runner and migrations before the baseline left behind: no checksums.
    await sql`create table schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(
      database.db,
    );
    const old = ['foundation', 'ingest', 'service', 'messages', 'feedback', 'feedback_metrics', 'loyalty_giving', 'message_handover'];
    for (const [i, name] of old.entries())
      await sql`insert into schema_migrations (version, name) values (${i + 1}, ${name})`.execute(database.db);

    const error = await refusal(migrate(database));
    expect(error.message).toContain('This database was set up by an unreleased Rapport from before migrations/0001_baseline.sql');
    expect(error.message).toContain('Nothing was changed. There is no upgrade from those versions: recreate the database');
    expect(error.message).toContain(
      database.kind === 'pglite' ? 'delete its PGlite data directory' : 'drop and create the PostgreSQL database',
    );
    expect(error.details).toMatchObject({ reason: 'migrations_predate_baseline' });
    expect(await exists(database, 'workspaces')).toBe(false);
  });
});

describe('rapport serve and rapport migrate on a changed migration', () => {
  it('exit non-zero with the message, not a stack trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rapport-migrate-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const options = await blankDatabaseOptions(dataDir);
    // The database remembers another checksum than the file's: as if the file was edited after.
    const database = await openDatabase(options);
    try {
      await migrate(database);
      await database.db
        .updateTable('schema_migrations')
        .set({ checksum: 'f'.repeat(64) })
        .where('version', '=', 1)
        .execute();
    } finally {
      await database.close();
    }
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '' };
    if (options.databaseUrl) {
      const url = new URL(options.databaseUrl);
      url.searchParams.set('options', `-c search_path=${options.searchPath}`);
      env.DATABASE_URL = url.toString();
    }
    for (const command of [['migrate'], ['serve', '--port', String(await freePort())]]) {
      const outcome = await run(process.execPath, ['--import', 'tsx', CLI, ...command], { env, timeout: 60_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(outcome.code, command[0]).toBe(1);
      expect(outcome.stderr, command[0]).toMatch(
        /^rapport: migrations\/0001_baseline\.sql was changed after it was applied to this database \(recorded sha256 ffffffffffff…, file now [0-9a-f]{12}…\)\. Applied migrations are immutable/,
      );
      expect(outcome.stderr, command[0]).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});
