import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { lockDataDirectory } from './data-dir-lock.js';
import { durableDataDirOptions } from './pglite-durable-fs.js';
import { PgliteDialect, PgliteTraffic } from './pglite-driver.js';
import type { Config } from '../config.js';
import type { DB } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * How long one unit of background work (an ingest claim, a giving chunk, a survey or message
 * step) may hold embedded PGlite's single connection before requests get their turn.
 */
export const PGLITE_UNIT_MS = 100;
/**
 * When requests are about, how long the connection must have been free before background
 * work takes it again: longer than the gaps between one request's queries (file reads,
 * hashing), even on a busy machine.
 */
const PGLITE_QUIET_MS = 20;

/**
 * How background work shares embedded PGlite's one connection with requests: in units of
 * about `unitMs`, each started when requests have had their turn. Absent on PostgreSQL,
 * where requests have connections of their own and big units are faster.
 */
export interface Pacing {
  unitMs: number;
  /** Resolves when no request has used the database for a moment, or after `unitMs` at most, so background work still gets half the time under constant load. */
  beforeUnit(): Promise<void>;
}

/** An open database: the typed query builder plus what only the connection layer can do. */
export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /**
   * Applies one migration script in its own transaction unless it is already recorded, and
   * records it with its checksum. Concurrent callers (several API nodes starting at once)
   * serialise on an advisory lock. Returns whether this call applied it.
   */
  applyMigration(migration: { version: number; name: string; script: string; checksum: string }): Promise<boolean>;
  /**
   * Runs a compiled query as a named prepared statement, so PostgreSQL plans it once per
   * connection instead of on every call. For hot, constant-shaped reads (the customer 360);
   * the text for one name must never change. PGlite runs it as a plain query.
   */
  executePrepared<R>(name: string, query: CompiledQuery<R>): Promise<R[]>;
  /** Set on PGlite: how background work must pace itself (see Pacing). */
  pacing?: Pacing;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; PGlite is used when absent. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` or undefined keeps it in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** PostgreSQL schema to use (tests isolate themselves in one). */
  searchPath?: string;
}

const MIGRATION_LOCK = 727_627_768;
// Looked for in current_schema(), where the baseline creates it (a test's private schema on PostgreSQL).
const HISTORY_EXISTS = `select 1 from pg_catalog.pg_tables where schemaname = current_schema() and tablename = 'schema_migrations'`;
const IS_RECORDED = 'select 1 from schema_migrations where version = $1';
const RECORD = 'insert into schema_migrations (version, name, checksum) values ($1, $2, $3)';

type Query = (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;

/** Whether a migration is recorded; never before the baseline, which creates schema_migrations. */
async function isRecorded(query: Query, version: number): Promise<boolean> {
  if ((await query(HISTORY_EXISTS)).rows.length === 0) return false;
  return (await query(IS_RECORDED, [version])).rows.length > 0;
}

const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

// The two drivers must hand back the same JavaScript values for the same rows:
// 64-bit integers and numerics as numbers (money is minor units, well inside 2^53),
// dates as the 'YYYY-MM-DD' text they are, timestamps as Date.
const toNumber = (value: string): number => Number(value);
const asText = (value: string): string => value;
const PARSERS: Record<number, (value: string) => unknown> = { [OID_INT8]: toNumber, [OID_NUMERIC]: toNumber, [OID_DATE]: asText };

/**
 * How long a request waits for a PostgreSQL connection before it fails (with a 503): while the
 * server is unreachable, or every pooled connection is busy. A dead host can otherwise hold a
 * connect attempt for the operating system's TCP timeout, minutes.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

function openPostgres(options: OpenDatabaseOptions & { databaseUrl: string }): Database {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    // TCP keepalive lets the system notice a server that vanished without closing the socket
    // (a failover moving the address), where an idle connection would otherwise wait forever.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A restart or failover ends every connection with an error event (57P01 "terminating
  // connection due to administrator command", or the socket closing). node-postgres emits it
  // on the pool for an idle connection and on the client for one in use; unheard, either
  // kills the process. The pool already drops a broken connection and opens a new one for
  // the next query; the query that was running fails, and the caller sees why (a 503, a
  // worker's retry). So listening is all there is to do.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async applyMigration({ version, name, script, checksum }) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        if (await isRecorded((text, params) => client.query(text, params), version)) {
          await client.query('commit');
          return false;
        }
        await client.query(script);
        await client.query(RECORD, [version, name, checksum]);
        await client.query('commit');
        return true;
      } catch (error) {
        // On a broken connection the rollback fails too; the first error is the one that explains.
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async executePrepared<R>(name: string, query: CompiledQuery<R>) {
      const result = await pool.query({ name, text: query.sql, values: [...query.parameters] });
      return result.rows as R[];
    },
    close: () => db.destroy(),
  };
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  const dataDir = options.dataDir && !options.dataDir.startsWith('memory://') ? options.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lock = dataDir ? await lockDataDirectory(dataDir) : undefined;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir ? durableDataDirOptions(dataDir) : {}),
      extensions: { pg_trgm },
      parsers: PARSERS,
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const traffic = new PgliteTraffic();
  const db = new Kysely<DB>({ dialect: new PgliteDialect(pglite, traffic) });
  return {
    kind: 'pglite',
    db,
    pacing: { unitMs: PGLITE_UNIT_MS, beforeUnit: () => traffic.quiet(PGLITE_QUIET_MS, PGLITE_UNIT_MS) },
    async applyMigration({ version, name, script, checksum }) {
      // Through Kysely's connection so the script waits its turn on the single connection.
      return db.connection().execute(() =>
        pglite.transaction(async (tx) => {
          if (await isRecorded((text, params) => tx.query(text, params), version)) return false;
          await tx.exec(script);
          await tx.query(RECORD, [version, name, checksum]);
          return true;
        }),
      );
    },
    async executePrepared<R>(_name: string, query: CompiledQuery<R>) {
      return (await db.executeQuery(query)).rows;
    },
    async close() {
      try {
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Opens PostgreSQL when a URL is given, embedded PGlite otherwise. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres({ ...options, databaseUrl: options.databaseUrl });
  return openPglite(options);
}

/** The database the configuration names. */
export function openConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
}
