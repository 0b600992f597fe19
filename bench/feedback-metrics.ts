// Benchmark: NPS, CSAT and CES by channel by week over 10 million survey responses on
// PostgreSQL, read from the daily rollups (the API's query, and the HTTP endpoint), against
// a baseline in the same run that computes the same figures by scanning survey_responses.
//
//   npx tsx bench/feedback-metrics.ts      (or: npm run bench -- feedback-metrics)
//   RAPPORT_BENCH_FEEDBACK_METRICS_URL        PostgreSQL database (default postgres://rapport:rapport@localhost:5432/rapport_bench_feedback_metrics)
//   RAPPORT_BENCH_FEEDBACK_METRICS_RESPONSES  responses to generate (default 10,000,000)
//   RAPPORT_BENCH_FRESH=1                     regenerate even when data of that size exists
//
// The data is kept between runs. When it is generated, the load bypasses the rollup trigger
// and foreign-key checks (session_replication_role = replica) and the rollups are built once
// by the set-based recount that the tests check the trigger against.

import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../src/app.js';
import { systemActor } from '../src/auth/actor.js';
import { createApiKey } from '../src/auth/service.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { getFeedbackMetrics } from '../src/metrics/feedback-metrics.js';
import { getFeedbackThemes } from '../src/feedback/metrics/themes.js';
import { loadFeedbackBenchData } from './feedback-metrics-data.js';
import { latencySummary } from './stats.js';

const url = process.env.RAPPORT_BENCH_FEEDBACK_METRICS_URL ?? 'postgres://rapport:rapport@localhost:5432/rapport_bench_feedback_metrics';
const size = Number(process.env.RAPPORT_BENCH_FEEDBACK_METRICS_RESPONSES ?? 10_000_000);
const RUNS = 15;
const PERIODS = [
  { name: 'quarter', from: '2026-04-01', to: '2026-06-30' },
  { name: 'year', from: '2026-01-01', to: '2026-12-31' },
];

type Key = string;
// NPS: count, promoters, detractors; CSAT: count, satisfied; CES: count, agreeing, mean.
type Figures = { nps: [number, number, number]; csat: [number, number]; ces: [number, number, number] };

/** The same figures straight from the raw responses: a scan of every response in the period. */
async function rawScan(db: Kysely<DB>, workspaceId: string, from: string, to: string): Promise<Map<Key, Figures>> {
  const { rows } = await sql<Record<string, string | number>>`
    select to_char(date_trunc('week', (answered_at at time zone 'UTC')::date), 'YYYY-MM-DD') as period, coalesce(channel, '') as channel,
      count(nps) as nps_n, count(*) filter (where nps >= 9) as promoters, count(*) filter (where nps <= 6) as detractors,
      count(csat) as csat_n, count(*) filter (where csat >= 4) as satisfied,
      count(ces) as ces_n, count(*) filter (where ces >= 5) as agree, coalesce(sum(ces), 0) as ces_sum
    from survey_responses
    where workspace_id = ${workspaceId} and survey_kind = 'interaction' and answered_at >= ${`${from}T00:00:00Z`}::timestamptz and answered_at < (${to}::date + 1)::timestamp at time zone 'UTC'
    group by 1, 2`.execute(db);
  const n = (v: string | number | undefined) => Number(v ?? 0);
  return new Map(
    rows.map((r) => [
      `${r.period}|${r.channel}`,
      {
        nps: [n(r.nps_n), n(r.promoters), n(r.detractors)],
        csat: [n(r.csat_n), n(r.satisfied)],
        ces: [n(r.ces_n), n(r.agree), n(r.ces_n) === 0 ? 0 : Math.round((n(r.ces_sum) / n(r.ces_n)) * 100) / 100],
      },
    ]),
  );
}

/**
 * What the rollup trigger costs a write: single-row inserts of a full response (scores,
 * feelings, themes), with the trigger and, as the baseline, with it disabled, each in a
 * transaction that removes its rows again (so the rollups stay exact either way).
 */
async function writeCost(db: Kysely<DB>, workspaceId: string, withTrigger: boolean): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    if (!withTrigger) await sql`alter table survey_responses disable trigger survey_responses_rollup_insert_delete`.execute(trx);
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const start = performance.now();
      await sql`insert into survey_responses (workspace_id, id, survey_id, survey_kind, customer_id, language, agent_user_id, team_id,
          channel, job_id, product_line_id, segment, nps, csat, ces, feelings, comment, sentiment_score, themes, status, started_at, answered_at)
        values (${workspaceId}, ${`rsp_bfwrite${i}`}, 'srv_bfi', 'interaction', ${`cus_bf${i}`}, 'en', ${`usr_bf${size}x${i % 300}`},
          ${`tm_bf${i % 20}`}, 'chat', ${`job_bf${i % 30}`}, 'pl_bf1', 'consumer', ${i % 11}, ${1 + (i % 5)}, ${1 + (i % 7)},
          '{smart}', 'Write cost', 0.5, '{speed,staff}', 'complete', now(), now())`.execute(trx);
      times.push(performance.now() - start);
    }
    await sql`delete from survey_responses where workspace_id = ${workspaceId} and id like 'rsp_bfwrite%'`.execute(trx);
    if (!withTrigger) await sql`alter table survey_responses enable trigger survey_responses_rollup_insert_delete`.execute(trx);
    return times;
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

export async function benchFeedbackMetrics(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
  await migrate(database);
  const db = database.db;
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }, { databaseUrl: undefined }), { database });
  try {
    const data = await loadFeedbackBenchData(db, size, process.env.RAPPORT_BENCH_FRESH === '1');
    const { workspaceId } = data;
    process.stdout.write(
      data.generated
        ? `generated in ${data.generateSeconds?.toFixed(1)} s with the rollup trigger bypassed; rollups built set-based in ${data.rebuildSeconds?.toFixed(1)} s\n`
        : `data already present: load skipped (RAPPORT_BENCH_FRESH=1 regenerates)${data.rebuildSeconds === null ? '' : `; rollups built set-based in ${data.rebuildSeconds.toFixed(1)} s`}\n`,
    );
    const counts = await sql<{ responses: number; rollups: number; themes: number }>`
      select (select count(*) from survey_responses where workspace_id = ${workspaceId}) as responses,
             (select count(*) from feedback_rollups where workspace_id = ${workspaceId}) as rollups,
             (select count(*) from feedback_theme_rollups where workspace_id = ${workspaceId}) as themes`.execute(db);
    process.stdout.write(`data: ${JSON.stringify(counts.rows[0])}\n`);

    // The trigger is in force after the load: one write moves the rollups, its delete moves them back.
    const allNps = () =>
      sql<{ n: number }>`select coalesce(sum(nps_n), 0)::bigint as n from feedback_rollups
        where workspace_id = ${workspaceId} and survey_kind = 'interaction' and dimension = 'all'`.execute(db);
    const before = Number((await allNps()).rows[0]?.n);
    await sql`insert into survey_responses (workspace_id, id, survey_id, survey_kind, customer_id, language, nps, started_at, answered_at)
      values (${workspaceId}, 'rsp_bftriggercheck', 'srv_bfi', 'interaction', 'cus_bf0', 'en', 9, now(), now())`.execute(db);
    const during = Number((await allNps()).rows[0]?.n);
    await sql`delete from survey_responses where workspace_id = ${workspaceId} and id = 'rsp_bftriggercheck'`.execute(db);
    const triggerLive = during === before + 1 && Number((await allNps()).rows[0]?.n) === before;
    process.stdout.write(`trigger in force after the load: ${triggerLive}\n`);

    const withTrigger = latencySummary(await writeCost(db, workspaceId, true));
    const withoutTrigger = latencySummary(await writeCost(db, workspaceId, false));
    const writes = {
      withTriggerMedianMs: round1(withTrigger.median),
      withTriggerP99Ms: round1(withTrigger.p99),
      withoutTriggerMedianMs: round1(withoutTrigger.median),
      ratio: Math.round((withTrigger.median / withoutTrigger.median) * 10) / 10,
    };
    process.stdout.write(
      `one response written: median ${writes.withTriggerMedianMs} ms with the rollup trigger (p99 ${writes.withTriggerP99Ms}), ` +
        `${writes.withoutTriggerMedianMs} ms without it (${writes.ratio}×)\n`,
    );

    const key = await createApiKey(db, systemActor(workspaceId, 'bench'), { kind: 'secret', name: `bench ${Date.now()}` });
    const results: Array<Record<string, unknown>> = [];
    for (const period of PERIODS) {
      const query = {
        from: period.from,
        to: period.to,
        kind: 'interaction' as const,
        by: 'channel' as const,
        interval: 'week' as const,
        series: 'groups' as const,
      };
      const first = await timed(() => getFeedbackMetrics(db, workspaceId, query));
      const apiRuns: number[] = [];
      let metrics = first.result;
      for (let i = 0; i < RUNS; i++) {
        const run = await timed(() => getFeedbackMetrics(db, workspaceId, query));
        apiRuns.push(run.ms);
        metrics = run.result;
      }
      const httpRuns: number[] = [];
      const path = `/api/v1/feedback/metrics?from=${period.from}&to=${period.to}&kind=interaction&by=channel&interval=week&series=groups`;
      // The first request to a route compiles its response serializer: timed apart, like the first API call.
      const firstHttp = await timed(() => app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key.key}` } }));
      for (let i = 0; i < RUNS; i++) {
        const run = await timed(() => app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${key.key}` } }));
        if (run.result.statusCode !== 200) throw new Error(`HTTP ${run.result.statusCode}: ${run.result.body}`);
        httpRuns.push(run.ms);
      }
      const rawRuns: number[] = [];
      let raw = new Map<Key, Figures>();
      for (let i = 0; i < 3; i++) {
        const run = await timed(() => rawScan(db, workspaceId, period.from, period.to));
        rawRuns.push(run.ms);
        raw = run.result;
      }
      // Every (week, channel) cell must agree exactly on every counter.
      const fromRollups = new Map<Key, Figures>(
        metrics.series.map((s) => [
          `${s.period}|${s.value ?? ''}`,
          {
            nps: [s.nps.count, s.nps.promoters, s.nps.detractors],
            csat: [s.csat.count, s.csat.satisfied],
            ces: [s.ces.count, s.ces.agree, s.ces.mean ?? 0],
          },
        ]),
      );
      const mismatches = [...raw.entries()].filter(([k, f]) => {
        const r = fromRollups.get(k);
        return !r || JSON.stringify([r.nps, r.csat, r.ces]) !== JSON.stringify([f.nps, f.csat, f.ces]);
      }).length;
      const agree = mismatches === 0 && raw.size === fromRollups.size;
      const api = latencySummary(apiRuns);
      const http = latencySummary(httpRuns);
      const scan = latencySummary(rawRuns);
      const themes = await timed(() => getFeedbackThemes(db, workspaceId, { from: period.from, to: period.to, kind: 'interaction' }));
      const row = {
        period: `${period.name} ${period.from}..${period.to}`,
        cells: fromRollups.size,
        responsesInPeriod: metrics.total.responses,
        firstCallMs: round1(first.ms),
        firstHttpMs: round1(firstHttp.ms),
        apiMedianMs: round1(api.median),
        apiMaxMs: round1(api.max),
        httpMedianMs: round1(http.median),
        httpMaxMs: round1(http.max),
        rawScanMedianMs: Math.round(scan.median),
        rawScanMaxMs: Math.round(scan.max),
        speedup: Math.round(scan.median / api.median),
        figuresAgree: agree,
        under100ms: api.max < 100 && http.max < 100,
        themesWithQuotesMs: Math.round(themes.ms),
      };
      results.push(row);
      process.stdout.write(
        `${row.period}: ${row.cells} week×channel cells over ${row.responsesInPeriod} responses | API median ${row.apiMedianMs} ms (max ${row.apiMaxMs}) | ` +
          `HTTP median ${row.httpMedianMs} ms (max ${row.httpMaxMs}, first ${row.firstHttpMs}) | raw scan median ${row.rawScanMedianMs} ms (max ${row.rawScanMaxMs}) | ` +
          `${row.speedup}× | figures agree: ${agree} | under 100 ms: ${row.under100ms} | themes with quotes ${row.themesWithQuotesMs} ms\n`,
      );
    }
    return {
      ...counts.rows[0],
      generated: data.generated,
      generateSeconds: data.generateSeconds,
      rebuildSeconds: data.rebuildSeconds,
      triggerLive,
      writes,
      runs: RUNS,
      results,
    };
  } finally {
    await app.close();
    await database.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchFeedbackMetrics();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
