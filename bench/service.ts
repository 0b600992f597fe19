// Benchmark: service dashboard metrics for one quarter over 10 million interactions on
// PostgreSQL, read from the daily rollups, against a baseline in the same run that
// computes the same figures by scanning the raw interactions and cases.
//
//   npx tsx bench/service.ts          (or: npm run bench -- service)
//   RAPPORT_BENCH_SERVICE_URL     PostgreSQL database (default postgres://rapport:rapport@localhost:5432/rapport_bench_service)
//   RAPPORT_BENCH_INTERACTIONS    interactions to generate (default 10,000,000)
//   RAPPORT_BENCH_FRESH=1         drop and regenerate even when data of that size exists
//
// The data is generated set-based in SQL (generate_series), consistent by construction, so
// the load skips foreign-key triggers (session_replication_role = replica, superuser only);
// the rollups are then built by the same set-based rebuild the repair tool uses.

import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { getServiceMetrics } from '../src/metrics/service-metrics.js';
import { rebuildServiceRollups } from '../src/metrics/service-rollups.js';
import { loadServiceBenchData } from './service-data.js';

const url = process.env.RAPPORT_BENCH_SERVICE_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench_service';
const size = Number(process.env.RAPPORT_BENCH_INTERACTIONS ?? 10_000_000);
const RUNS = 7;
const QUARTER = { from: '2026-01-01', to: '2026-03-31' };
const DIMENSIONS = ['all', 'channel', 'team', 'agent', 'job', 'product_line'] as const;

const COLUMN: Record<(typeof DIMENSIONS)[number], string> = {
  all: `''`,
  channel: 'channel',
  team: `coalesce(team_id, '')`,
  agent: `coalesce(agent_user_id, '')`,
  job: `coalesce(job_id, '')`,
  product_line: `coalesce(product_line_id, '')`,
};

/** The same dashboard figures straight from the raw tables: exact percentiles, full scans. */
async function rawScan(db: Kysely<DB>, workspaceId: string, dimension: (typeof DIMENSIONS)[number]) {
  const col = sql.raw(COLUMN[dimension]);
  const range = sql`between ${QUARTER.from}::timestamptz and (${QUARTER.to}::date + 1)::timestamptz`;
  const [interactions, response, resolution, opened] = await Promise.all([
    sql`select ${col} as value, count(*) from interactions where workspace_id = ${workspaceId} and started_at ${range} group by 1`.execute(
      db,
    ),
    sql`select ${col} as value, count(*), percentile_cont(array[0.5, 0.9]) within group (order by first_response_seconds),
        sum(coalesce(first_responded_at <= first_response_due_at, false)::int)
        from cases where workspace_id = ${workspaceId} and first_responded_at ${range} group by 1`.execute(db),
    sql`select ${col} as value, count(*), percentile_cont(array[0.5, 0.9]) within group (order by resolution_seconds),
        sum((contact_count <= 1 and transfer_count = 0 and reopen_count = 0)::int), sum((repeat_contact_at is not null)::int)
        from cases where workspace_id = ${workspaceId} and state in ('resolved', 'closed') and resolved_at ${range} group by 1`.execute(db),
    sql`select ${col} as value, count(*), sum(is_complaint::int) from cases where workspace_id = ${workspaceId} and opened_at ${range} group by 1`.execute(
      db,
    ),
  ]);
  return { interactions: interactions.rows, response: response.rows, resolution: resolution.rows, opened: opened.rows };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchService(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
  await migrate(database);
  const db = database.db;
  try {
    const { workspaceId, generated, generateSeconds } = await loadServiceBenchData(db, size, process.env.RAPPORT_BENCH_FRESH === '1');
    let rebuildSeconds: number | null = null;
    if (generated) {
      const rebuild = await timed(() => rebuildServiceRollups(db, workspaceId));
      rebuildSeconds = rebuild.ms / 1000;
      // Index-only reads of the rollups need an up-to-date visibility map.
      await sql`vacuum analyze service_rollups, service_rollup_buckets`.execute(db);
      await sql`analyze`.execute(db);
      process.stdout.write(`rollups rebuilt in ${rebuildSeconds.toFixed(1)} s\n`);
    }
    const counts = await sql<{ interactions: number; cases: number; rollups: number; buckets: number }>`
      select (select count(*) from interactions where workspace_id = ${workspaceId}) as interactions,
             (select count(*) from cases where workspace_id = ${workspaceId}) as cases,
             (select count(*) from service_rollups where workspace_id = ${workspaceId}) as rollups,
             (select count(*) from service_rollup_buckets where workspace_id = ${workspaceId}) as buckets`.execute(db);
    const sizes = counts.rows[0];
    process.stdout.write(`data: ${JSON.stringify(sizes)}\n`);

    const rows: Array<Record<string, unknown>> = [];
    for (const by of DIMENSIONS) {
      const query = { ...QUARTER, by, interval: 'week' as const };
      // The first call also counts holders per product line (then cached for minutes per API node).
      const cold = await timed(() => getServiceMetrics(db, workspaceId, query));
      const rollupRuns: number[] = [];
      let metrics = await getServiceMetrics(db, workspaceId, query);
      for (let i = 0; i < RUNS; i++) {
        const run = await timed(() => getServiceMetrics(db, workspaceId, query));
        rollupRuns.push(run.ms);
        metrics = run.result;
      }
      const scan = await timed(() => rawScan(db, workspaceId, by));
      const rawRuns = [scan.ms, (await timed(() => rawScan(db, workspaceId, by))).ms];
      // The rollups must agree with the raw scan on every count.
      const rollupInteractions = metrics.groups.reduce((sum, g) => sum + g.interactions, 0);
      const rawInteractions = (scan.result.interactions as Array<{ count: number }>).reduce((sum: number, r) => sum + Number(r.count), 0);
      const row = {
        by,
        groups: metrics.groups.length,
        firstCallMs: Math.round(cold.ms),
        rollupMedianMs: Math.round(median(rollupRuns) * 10) / 10,
        rollupMaxMs: Math.round(Math.max(...rollupRuns) * 10) / 10,
        rawScanMs: Math.round(median(rawRuns)),
        speedup: Math.round(median(rawRuns) / median(rollupRuns)),
        countsAgree: rollupInteractions === rawInteractions,
        under200ms: Math.max(...rollupRuns) < 200,
      };
      rows.push(row);
      process.stdout.write(
        `by ${by.padEnd(12)} rollups median ${row.rollupMedianMs} ms (max ${row.rollupMaxMs}, first call ${row.firstCallMs}) | raw scan ${row.rawScanMs} ms | ${row.speedup}× | counts agree: ${row.countsAgree}\n`,
      );
    }
    return {
      interactions: sizes?.interactions,
      cases: sizes?.cases,
      generateSeconds,
      rebuildSeconds,
      quarter: QUARTER,
      runs: RUNS,
      results: rows,
    };
  } finally {
    await database.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchService();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
