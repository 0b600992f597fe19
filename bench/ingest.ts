// Benchmark: sustained ingestion through HTTP `POST /v1/batch` (batches shaped as
// @segment/analytics-node sends them, an identify/track/page mix) into PostgreSQL and PGlite,
// against a baseline in the same run that COPYs the same rows straight into the same table.
// Also: the background processor's throughput, and (with RAPPORT_BENCH_SOAK_SECONDS) the
// server's memory through a soak.
//
//   RAPPORT_BENCH_INGEST_DATABASE_URL  PostgreSQL (default postgres://rapport:rapport@localhost:5432/rapport_bench_ingest; created)
//   RAPPORT_BENCH_EVENTS       events per side on PostgreSQL (default 200,000; PGlite runs a quarter)
//   RAPPORT_BENCH_BATCH        events per batch (default 100; analytics-node sends up to flushAt, 15 by default)
//   RAPPORT_BENCH_CONCURRENCY  requests in flight (default 16)
//   RAPPORT_BENCH_SOAK_SECONDS soak length (default 0: no soak)
//   RAPPORT_BENCH_SERVER_NODE_ARGS node flags for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof)
//   RAPPORT_BENCH_SIDES        which sides to run (default "postgres,pglite")
//   RAPPORT_BENCH_ROUNDS       rounds of COPY then HTTP on PostgreSQL (default 3; the medians are the result)
//   RAPPORT_BENCH_POOL         the server's DATABASE_POOL_SIZE (default 16)
//
// Besides wall-clock rates it prints the CPU time per event of each process (bench client,
// server, PostgreSQL backends), which moves much less than the rates when other work shares the machine.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { systemActor } from '../src/auth/actor.js';
import { createApiKey } from '../src/auth/service.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { durableDataDirOptions } from '../src/db/pglite-durable-fs.js';
import { processPendingEvents } from '../src/ingest/processor.js';
import { createWorkspace } from '../src/workspaces/service.js';
import { batchRequest, COPY_COLUMNS, copyCsv, drive, makeBatches } from './ingest-load.js';
import { startServer, stopServer } from './server.js';
import { formatLatency, latencySummary, type LatencySummary } from './stats.js';

const url = process.env.RAPPORT_BENCH_INGEST_DATABASE_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench_ingest';
const events = Number(process.env.RAPPORT_BENCH_EVENTS ?? 200_000);
const batchSize = Number(process.env.RAPPORT_BENCH_BATCH ?? 100);
const concurrency = Number(process.env.RAPPORT_BENCH_CONCURRENCY ?? 16);
const soakSeconds = Number(process.env.RAPPORT_BENCH_SOAK_SECONDS ?? 0);
const USERS = 20_000;
// Extra node flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
const sides = (process.env.RAPPORT_BENCH_SIDES ?? 'postgres,pglite').split(',');
const roundCount = Number(process.env.RAPPORT_BENCH_ROUNDS ?? 3);

const log = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const requestsOf = (writeKey: string, bodies: Buffer[]) => bodies.map((body) => batchRequest(writeKey, body));

async function ensureDatabase(): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) await admin.query(`drop database ${pg.escapeIdentifier(name)} with (force)`);
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
}

/** A fresh workspace with a write key, in a migrated database. */
async function prepare(target: { databaseUrl?: string; dataDir?: string }): Promise<{ copyWorkspaceId: string; writeKey: string }> {
  const database = await openDatabase(target);
  try {
    await migrate(database);
    const workspace = await createWorkspace(database.db, { name: 'Bench', slug: `bench-${Date.now()}` });
    const copyTarget = await createWorkspace(database.db, { name: 'Bench COPY', slug: `bench-copy-${Date.now()}` });
    const key = await createApiKey(database.db, systemActor(workspace.id), { kind: 'write', name: 'bench' });
    return { copyWorkspaceId: copyTarget.id, writeKey: key.key };
  } finally {
    await database.close();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks are 1/100 s on Linux). */
function cpuSeconds(pid: number, part: 'user' | 'system' | 'both' = 'both'): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return (part === 'user' ? user : part === 'system' ? system : user + system) / 100;
  } catch {
    return 0; // the process has gone
  }
}

/** CPU seconds used so far by the PostgreSQL backends connected to the bench database. */
async function backendCpuSeconds(client: pg.Client): Promise<Map<number, number>> {
  const result = await client.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  return new Map(result.rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export interface SideResult {
  events: number;
  eventsPerSecond: number;
  ackLatency: LatencySummary;
  copyEventsPerSecond: number;
  ratioToCopy: number;
  failures: number;
}

/** Several rounds of COPY then HTTP; the figures of the side are the medians of the rounds. */
export interface RoundsResult extends SideResult {
  rounds: SideResult[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function measureHttp(
  port: number,
  writeKey: string,
  count: number,
  cpu?: { serverPid: number; admin?: pg.Client },
): Promise<{ http: Awaited<ReturnType<typeof drive>>; messages: Record<string, unknown>[] }> {
  // Sustained ingestion: the server is warmed (its code optimised, every pool connection's
  // statement prepared) with a tenth of the events before the timing starts.
  const warm = makeBatches(Math.max(20, Math.round(count / 10 / batchSize)), batchSize, USERS, 10_000_000);
  await drive(port, requestsOf(writeKey, warm.bodies), batchSize, concurrency);
  const { bodies, messages } = makeBatches(Math.ceil(count / batchSize), batchSize, USERS);
  const requests = requestsOf(writeKey, bodies);
  const server = cpu ? cpuSeconds(cpu.serverPid) : 0;
  const serverSystem = cpu ? cpuSeconds(cpu.serverPid, 'system') : 0;
  const backends = cpu?.admin ? await backendCpuSeconds(cpu.admin) : new Map<number, number>();
  const client = process.cpuUsage();
  const http = await drive(port, requests, batchSize, concurrency);
  if (cpu) {
    const clientSeconds = (process.cpuUsage().user - client.user + process.cpuUsage().system - client.system) / 1e6;
    const perEvent = (seconds: number) => `${((seconds * 1e6) / http.events).toFixed(1)} µs`;
    const parts = [
      `bench client ${perEvent(clientSeconds)}`,
      `server ${perEvent(cpuSeconds(cpu.serverPid) - server)} (of which system ${perEvent(cpuSeconds(cpu.serverPid, 'system') - serverSystem)})`,
    ];
    if (cpu.admin) parts.push(`PostgreSQL backends ${perEvent(cpuDelta(backends, await backendCpuSeconds(cpu.admin)))}`);
    log(`CPU per event: ${parts.join(', ')}`);
  }
  return { http, messages };
}

function summarise(label: string, http: Awaited<ReturnType<typeof drive>>, copySeconds: number): SideResult {
  const eventsPerSecond = http.events / http.seconds;
  const copyEventsPerSecond = http.events / copySeconds;
  const result = {
    events: http.events,
    eventsPerSecond,
    ackLatency: latencySummary(http.latenciesMs),
    copyEventsPerSecond,
    ratioToCopy: eventsPerSecond / copyEventsPerSecond,
    failures: http.failures,
  };
  log(
    `${label}: HTTP ${Math.round(eventsPerSecond)} events/s (${http.events} events in ${http.seconds.toFixed(1)} s, ${http.failures} failed requests)`,
  );
  log(`${label}: ack latency per batch of ${batchSize}: ${formatLatency(result.ackLatency)}`);
  log(`${label}: COPY baseline ${Math.round(copyEventsPerSecond)} events/s; HTTP/COPY = ${result.ratioToCopy.toFixed(2)}`);
  return result;
}

/** COPYs `count` normalised rows into ingest_events in one stream; the seconds it took. */
async function copyBaseline(copyWorkspaceId: string, count: number, offset: number): Promise<number> {
  const rows = copyCsv(copyWorkspaceId, makeBatches(Math.ceil(count / batchSize), batchSize, USERS, offset).messages);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const copyBackend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid as number;
    const copyCpu = cpuSeconds(copyBackend);
    const copyStarted = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`copy ingest_events (${COPY_COLUMNS}) from stdin with (format csv)`));
      stream.on('finish', resolve).on('error', reject);
      stream.end(rows);
    });
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    const copyEvents = rows.split('\n').length - 1;
    log(`COPY: PostgreSQL backend CPU per event ${(((cpuSeconds(copyBackend) - copyCpu) * 1e6) / copyEvents).toFixed(1)} µs`);
    return copySeconds;
  } finally {
    await client.end();
  }
}

async function benchPostgres(): Promise<{ side: RoundsResult; processor: { eventsPerSecond: number; seconds: number; applied: number } }> {
  await ensureDatabase();
  const { copyWorkspaceId, writeKey } = await prepare({ databaseUrl: url });
  const port = 4700 + Math.floor(Math.random() * 1000);
  const server = await startServer(
    { DATABASE_URL: url, DATABASE_POOL_SIZE: process.env.RAPPORT_BENCH_POOL ?? '16', RAPPORT_INGEST_WORKER: 'false' },
    port,
  );
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // Each round runs the baseline and then HTTP back to back, so that both meet the machine in
  // the same state (a shared machine's speed drifts by a third from minute to minute).
  const rounds: SideResult[] = [];
  const latencies: number[] = [];
  for (let round = 1; round <= roundCount; round++) {
    log(`round ${round} of ${roundCount} (load average ${load()})`);
    const copySeconds = await copyBaseline(copyWorkspaceId, events, 50_000_000 + round * 1_000_000);
    const { http } = await measureHttp(port, writeKey, events, { serverPid: server.pid as number, admin });
    rounds.push(summarise(`PostgreSQL round ${round}`, http, copySeconds));
    latencies.push(...http.latenciesMs);
  }
  // The baseline's rows are not for the processor (marked only now: an update of them all
  // between rounds would leave the HTTP side to share the machine with its vacuum).
  await admin.query(`update ingest_events set status = 'done' where workspace_id = $1`, [copyWorkspaceId]);
  await admin.end();
  log(`PostgreSQL: server RSS after the runs ${rssMb(server.pid as number).toFixed(0)} MB`);
  await stopServer(server);
  const side: RoundsResult = {
    events: events * roundCount,
    eventsPerSecond: median(rounds.map((r) => r.eventsPerSecond)),
    ackLatency: latencySummary(latencies),
    copyEventsPerSecond: median(rounds.map((r) => r.copyEventsPerSecond)),
    ratioToCopy: median(rounds.map((r) => r.ratioToCopy)),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    rounds,
  };
  log(
    `PostgreSQL, median of ${roundCount} rounds: HTTP ${Math.round(side.eventsPerSecond)} events/s, COPY ${Math.round(side.copyEventsPerSecond)} events/s, HTTP/COPY ${side.ratioToCopy.toFixed(2)}; ack latency (all rounds) ${formatLatency(side.ackLatency)}`,
  );

  // The background processor: two workers claiming with SKIP LOCKED, for a fixed time.
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  const seconds = Number(process.env.RAPPORT_BENCH_PROCESS_SECONDS ?? 30);
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  let applied = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (Date.now() < until) {
        const result = await processPendingEvents(database.db, 100);
        applied += result.done + result.failed;
        if (result.claimed === 0) break;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  await database.close();
  const processor = { eventsPerSecond: applied / elapsed, seconds: elapsed, applied };
  log(
    `PostgreSQL: background processor (2 workers) applied ${applied} events in ${elapsed.toFixed(1)} s = ${Math.round(processor.eventsPerSecond)} events/s`,
  );
  return { side, processor };
}

async function benchPglite(): Promise<SideResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-bench-ingest-'));
  try {
    const count = Math.round(events / 4);
    const { copyWorkspaceId, writeKey } = await prepare({ dataDir });
    const rows = copyCsv(copyWorkspaceId, makeBatches(Math.ceil(count / batchSize), batchSize, USERS, 50_000_000).messages);
    // Synced as the server's own data directory is (fsync on), so the ratio compares like with like.
    const lite = await PGlite.create({ ...durableDataDirOptions(dataDir), extensions: { pg_trgm } });
    const copyStarted = process.hrtime.bigint();
    await lite.query(`copy ingest_events (${COPY_COLUMNS}) from '/dev/blob' with (format csv)`, [], { blob: new Blob([rows]) });
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    await lite.query(`update ingest_events set status = 'done' where workspace_id = $1`, [copyWorkspaceId]);
    await lite.close();

    const port = 4700 + Math.floor(Math.random() * 1000);
    const server = await startServer({ DATABASE_URL: '', RAPPORT_DATA_DIR: dataDir, RAPPORT_INGEST_WORKER: 'false' }, port);
    const { http } = await measureHttp(port, writeKey, count, { serverPid: server.pid as number });
    await stopServer(server);
    return summarise('PGlite', http, copySeconds);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sustained load at a steady pace with the processor running in the server; RSS printed as it goes. */
async function soak(): Promise<Array<{ second: number; rssMb: number; eventsPerSecond: number }>> {
  await ensureDatabase();
  const { writeKey } = await prepare({ databaseUrl: url });
  const port = 4700 + Math.floor(Math.random() * 1000);
  const server = await startServer({ DATABASE_URL: url, DATABASE_POOL_SIZE: '16' }, port);
  const samples: Array<{ second: number; rssMb: number; eventsPerSecond: number }> = [];
  const started = Date.now();
  let sent = 0;
  let round = 0;
  const interval = Math.min(30, Math.max(5, Math.round(soakSeconds / 20)));
  let nextSample = interval;
  while ((Date.now() - started) / 1000 < soakSeconds) {
    const { bodies } = makeBatches(50, batchSize, USERS, 100_000_000 + round++ * 50 * batchSize);
    const result = await drive(port, requestsOf(writeKey, bodies), batchSize, concurrency);
    sent += result.events;
    const second = (Date.now() - started) / 1000;
    if (second >= nextSample) {
      const sample = {
        second: Math.round(second),
        rssMb: Math.round(rssMb(server.pid as number)),
        eventsPerSecond: Math.round(sent / second),
      };
      samples.push(sample);
      log(`soak ${sample.second}s: server RSS ${sample.rssMb} MB, ${sent} events sent (${sample.eventsPerSecond}/s), load ${load()}`);
      nextSample += interval;
    }
  }
  await stopServer(server);
  return samples;
}

export async function benchIngest() {
  log(`ingest bench: ${events} events per side on PostgreSQL, batches of ${batchSize}, ${concurrency} in flight; load average ${load()}`);
  const postgres = sides.includes('postgres') ? await benchPostgres() : null;
  log(`load average ${load()}`);
  const pglite = sides.includes('pglite') ? await benchPglite() : null;
  log(`load average ${load()}`);
  const soakSamples = soakSeconds > 0 ? await soak() : null;
  return {
    batchSize,
    concurrency,
    postgres,
    pglite,
    soak: soakSamples ? { seconds: soakSeconds, samples: soakSamples } : null,
    loadAverageAfter: loadavg(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchIngest();
  log(JSON.stringify(result, (key, value) => (key === 'latenciesMs' ? undefined : value), 2));
}
