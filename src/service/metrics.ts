import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { invalid } from '../errors.js';
import { quantileOf } from './histogram.js';
import { COUNTERS, MONTH_GRAIN, type Counter, type Dimension } from './rollups.js';
import type { MetricsQuery, ServiceMetrics, MetricFigures } from './metrics-schemas.js';

type Sums = Record<Counter, number>;
type HistogramRow = { value: string; metric: 'response' | 'resolution'; buckets: Array<number | string>; counts: Array<number | string> };
type Buckets = { response: Array<{ bucket: number; n: number }>; resolution: Array<{ bucket: number; n: number }> };

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const mean = (total: number, count: number) => (count === 0 ? null : Math.round(total / count));

function figures(s: Sums, b: Buckets, holders: number | null): MetricFigures {
  return {
    interactions: s.interactions,
    casesOpened: s.cases_opened,
    complaints: s.complaints,
    firstResponse: {
      count: s.responded,
      medianSeconds: quantileOf(b.response, 0.5),
      p90Seconds: quantileOf(b.response, 0.9),
      meanSeconds: mean(s.response_seconds, s.responded),
    },
    resolution: {
      count: s.resolved,
      medianSeconds: quantileOf(b.resolution, 0.5),
      p90Seconds: quantileOf(b.resolution, 0.9),
      meanSeconds: mean(s.resolution_seconds, s.resolved),
    },
    slaAttainment: {
      firstResponse: rate(s.responded_in_sla, s.responded_with_target),
      resolution: rate(s.resolved_in_sla, s.resolved_with_target),
      overall: rate(s.responded_in_sla + s.resolved_in_sla, s.responded_with_target + s.resolved_with_target),
    },
    oneTouchRate: rate(s.one_touch, s.resolved),
    repeatContactRate: rate(s.repeat_contacts, s.resolved),
    customersHolding: holders,
    complaintsPer1000Customers: holders === null || holders === 0 ? null : Math.round((s.complaints / holders) * 1_000_000) / 1000,
  };
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Rows covering [from, to] for a dimension: whole months from the month-grain rows and the
 * ragged days at either end from the day rows, so a quarter reads 3 rows per value, not 90.
 */
export function periodRows(workspaceId: string, dimension: string, from: string, to: string) {
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  const firstMonth = start.getUTCDate() === 1 ? start : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const endsMonth = new Date(end.getTime() + 86_400_000).getUTCDate() === 1;
  const lastMonth = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + (endsMonth ? 0 : -1), 1));
  const days = sql`workspace_id = ${workspaceId} and dimension = ${dimension}`;
  if (firstMonth > lastMonth) return sql`(${days} and day between ${from}::date and ${to}::date)`;
  const afterLast = iso(new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 1)));
  const months = sql`(workspace_id = ${workspaceId} and dimension = ${dimension + MONTH_GRAIN} and day between ${iso(firstMonth)}::date and ${iso(lastMonth)}::date)`;
  if (iso(firstMonth) === from && afterLast === iso(new Date(end.getTime() + 86_400_000))) return months;
  return sql`((${days} and ((day >= ${from}::date and day < ${iso(firstMonth)}::date) or (day >= ${afterLast}::date and day <= ${to}::date)))
    or (workspace_id = ${workspaceId} and dimension = ${dimension + MONTH_GRAIN} and day between ${iso(firstMonth)}::date and ${iso(lastMonth)}::date))`;
}

const sumColumns = sql.join(COUNTERS.map((c) => sql`sum(${sql.ref(c)})::bigint as ${sql.ref(c)}`));

function emptySums(): Sums {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Sums;
}

// Holders per line change slowly and cost a scan of holdings, so each API node keeps them
// for a few minutes; the rollups carry everything else.
const HOLDERS_TTL_MS = 10 * 60_000;
const holdersCache = new Map<string, { at: number; value: Map<string, number> }>();

async function cachedHolders(db: Kysely<DB>, workspaceId: string, from: string, to: string, byLine: boolean) {
  const key = `${workspaceId}|${from}|${to}|${byLine}`;
  const hit = holdersCache.get(key);
  if (hit && Date.now() - hit.at < HOLDERS_TTL_MS) return hit.value;
  const value = await holdersByLine(db, workspaceId, from, to, byLine);
  if (holdersCache.size > 1000) holdersCache.clear();
  holdersCache.set(key, { at: Date.now(), value });
  return value;
}

/** Customers holding a product line (or any, for `null`) at some time in the period. */
async function holdersByLine(db: Kysely<DB>, workspaceId: string, from: string, to: string, byLine: boolean): Promise<Map<string, number>> {
  const rows = await sql<{ line: string; holders: number }>`
    select ${byLine ? sql`p.product_line_id` : sql`''`} as line, count(distinct h.customer_id)::bigint as holders
    from holdings h join products p on p.workspace_id = h.workspace_id and p.id = h.product_id
    where h.workspace_id = ${workspaceId} and h.started_at < (${to}::date + 1) and (h.ended_at is null or h.ended_at >= ${from}::date)
    group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [r.line, Number(r.holders)]));
}

/** Display names of the values of a dimension (teams, jobs, product lines, agents); none for channels. */
export async function labels(db: Kysely<DB>, workspaceId: string, by: Dimension): Promise<Map<string, string>> {
  const query =
    by === 'team'
      ? sql`select id, name from service_teams where workspace_id = ${workspaceId}`
      : by === 'job'
        ? sql`select id, name from service_jobs where workspace_id = ${workspaceId}`
        : by === 'product_line'
          ? sql`select id, name from product_lines where workspace_id = ${workspaceId}`
          : by === 'agent'
            ? sql`select u.id, u.name from memberships m join users u on u.id = m.user_id where m.workspace_id = ${workspaceId}`
            : undefined;
  if (!query) return new Map();
  const rows = await (query as ReturnType<typeof sql<{ id: string; name: string }>>).execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.name]));
}

/**
 * Service metrics for a period (inclusive UTC days), grouped by one dimension, plus a
 * series over time for the whole (or one value of the dimension): read from the daily
 * rollups, so the cost depends on days × groups, not on the number of interactions.
 */
export async function getServiceMetrics(db: Kysely<DB>, workspaceId: string, query: MetricsQuery): Promise<ServiceMetrics> {
  if (query.to < query.from) throw invalid('/to', `must not be before from (${query.from})`);
  const by: Dimension = query.by ?? 'all';
  const interval = query.interval ?? 'week';
  const seriesDimension = query.value !== undefined ? by : 'all';
  const seriesValue = query.value ?? '';
  const range = sql`workspace_id = ${workspaceId} and day between ${query.from}::date and ${query.to}::date`;
  const period = sql`to_char(date_trunc(${interval}, day), 'YYYY-MM-DD')`;
  const grouped = periodRows(workspaceId, by, query.from, query.to);

  const [groupRows, groupBuckets, seriesRows, seriesBuckets, holders, names] = await Promise.all([
    sql<Sums & { value: string }>`select value, ${sumColumns} from service_rollups where ${grouped} group by value`.execute(db),
    // Histograms come back as one row per group and metric (arrays of buckets and counts),
    // not one row per bucket: far fewer rows to send and parse.
    sql<HistogramRow>`select value, metric, array_agg(bucket order by bucket) as buckets, array_agg(n order by bucket) as counts
      from (select value, metric, bucket, sum(n)::bigint as n from service_rollup_buckets where ${grouped}
            group by value, metric, bucket) b group by value, metric`.execute(db),
    sql<Sums & { value: string }>`select ${period} as value, ${sumColumns} from service_rollups
      where ${range} and dimension = ${seriesDimension} and value = ${seriesValue} group by 1 order by 1`.execute(db),
    sql<HistogramRow>`select value, metric, array_agg(bucket order by bucket) as buckets, array_agg(n order by bucket) as counts
      from (select ${period} as value, metric, bucket, sum(n)::bigint as n from service_rollup_buckets
            where ${range} and dimension = ${seriesDimension} and value = ${seriesValue} group by 1, metric, bucket) b
      group by value, metric`.execute(db),
    by === 'all' || by === 'product_line'
      ? cachedHolders(db, workspaceId, query.from, query.to, by === 'product_line')
      : Promise.resolve(null),
    labels(db, workspaceId, by),
  ]);

  const bucketsOf = (rows: HistogramRow[]) => {
    const map = new Map<string, Buckets>();
    for (const r of rows) {
      const entry = map.get(r.value) ?? { response: [], resolution: [] };
      // bigint[] arrives as text from both drivers' array parsers: numbers either way.
      entry[r.metric] = r.buckets.map((bucket, i) => ({ bucket: Number(bucket), n: Number(r.counts[i] ?? 0) }));
      map.set(r.value, entry);
    }
    return map;
  };
  const toSums = (row: Record<string, unknown>): Sums => ({
    ...emptySums(),
    ...Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c] ?? 0)])),
  });
  const gb = bucketsOf(groupBuckets.rows);
  const sb = bucketsOf(seriesBuckets.rows);
  const none = { response: [], resolution: [] };
  return {
    from: query.from,
    to: query.to,
    by,
    interval,
    groups: groupRows.rows
      .map((row) => ({
        value: row.value === '' ? null : row.value,
        label: row.value === '' ? (by === 'all' ? 'All' : 'None') : (names.get(row.value) ?? row.value),
        ...figures(toSums(row), gb.get(row.value) ?? none, holders ? (holders.get(row.value) ?? 0) : null),
      }))
      .sort((a, b) => b.interactions + b.casesOpened - (a.interactions + a.casesOpened)),
    series: seriesRows.rows.map((row) => ({ period: row.value, ...figures(toSums(row), sb.get(row.value) ?? none, null) })),
  };
}
