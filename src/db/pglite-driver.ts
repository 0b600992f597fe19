import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const TURN_EVERY_MS = 10;

/**
 * PGlite is a single in-process connection, so the driver hands it out to one
 * Kysely connection at a time, in the order asked; a transaction therefore owns the
 * database until it ends, which is why background work on PGlite runs in short units
 * (PGLITE_UNIT_MS in database.ts).
 */
class PgliteConnection implements DatabaseConnection {
  private lastTurn = 0;

  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // A long transaction keeps the connection, but must not keep the event loop too: every
    // TURN_EVERY_MS of queries it lets the loop turn, so file reads, sockets and requests that
    // need no database go on meanwhile (and those that do get in line).
    if (performance.now() - this.lastTurn > TURN_EVERY_MS) {
      await turn();
      this.lastTurn = performance.now();
    }
    const result = await this.pg.query<R>(query.sql, [...query.parameters]);
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined && result.fields.length === 0 ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported on PGlite');
  }
}

/**
 * Who uses the one connection: how many hold it or wait for it, and when it was last given
 * back. Background work asks it for a quiet moment before each unit, so that a request,
 * which takes the connection several times with a little JavaScript in between, runs its
 * queries one after another instead of waiting behind a unit of background work at each.
 */
export class PgliteTraffic {
  private users = 0;
  private entries = 0;
  private lastRelease = 0;

  enter(): void {
    this.users++;
    this.entries++;
  }

  leave(): void {
    this.users--;
    this.lastRelease = performance.now();
  }

  /**
   * Called by background work between its units. Resolves after one pass of the event loop
   * (so sockets are read) if nobody asked for the connection meanwhile; otherwise once nobody
   * has used it for `quietMs`, or after `maxWaitMs` at most, so that background work still
   * gets its share under constant load.
   */
  async quiet(quietMs: number, maxWaitMs: number): Promise<void> {
    const started = performance.now();
    const entries = this.entries;
    await sleep(1);
    if (this.users === 0 && this.entries === entries) return;
    while (performance.now() - started < maxWaitMs) {
      if (this.users === 0 && performance.now() - this.lastRelease >= quietMs) return;
      await sleep(1);
    }
  }
}

class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(
    private readonly pg: PGlite,
    private readonly traffic: PgliteTraffic,
  ) {
    this.connection = new PgliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.traffic.enter();
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    // PGlite runs each query synchronously on this thread and answers through promise jobs
    // alone: measured, 5,000 queries in a row let not one timer fire. A worker that took the
    // connection again at once would keep the event loop from ever reading a socket, so
    // every hand-over first lets the loop turn and waiting requests queue up.
    await turn();
    this.release = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    this.traffic.leave();
    release?.();
  }

  async destroy(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

/** A Kysely dialect over an embedded PGlite instance, sharing Kysely's PostgreSQL compiler. */
export class PgliteDialect implements Dialect {
  constructor(
    private readonly pg: PGlite,
    private readonly traffic = new PgliteTraffic(),
  ) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.pg, this.traffic);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
