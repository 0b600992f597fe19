import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MetricsQuery, ServiceMetrics, MetricFigures } from '../service/metrics-schemas.js';
import { quantileOf } from './histogram.js';
import { dimensionLabels, labelOf } from './labels.js';
import { checkPeriod, intervalOf, periodInstants, periodRows, type Period } from './periods.js';
import { SERVICE_COUNTERS, type ServiceCounter, type ServiceDimension } from './service-rollups.js';

// Service metrics are read from the daily rollups (src/metrics/service-rollups.ts), so their
// cost depends on days × groups, not on the number of interactions. The route is in
// src/service/settings-routes.ts.

type Sums = Record<ServiceCounter, number>;
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

const sumColumns = sql.join(SERVICE_COUNTERS.map((c) => sql`sum(${sql.ref(c)})::bigint as ${sql.ref(c)}`));

function emptySums(): Sums {
  return Object.fromEntries(SERVICE_COUNTERS.map((c) => [c, 0])) as Sums;
}

// Holders per line change slowly and cost a scan of holdings, so each API node keeps them
// for a few minutes; the rollups carry everything else.
const HOLDERS_TTL_MS = 10 * 60_000;
const holdersCache = new Map<string, { at: number; value: Map<string, number> }>();

async function cachedHolders(db: Kysely<DB>, workspaceId: string, from: string, to: string, byLine: boolean) {
  const key = `${workspaceId}|${from}|${to}|${byLine}`;
  const hit = holdersCache.get(key);
  if (hit && Date.now() - hit.at < HOLDERS_TTL_MS) return hit.value;
  const value = await holdersByLine(db, workspaceId, { from, to }, byLine);
  if (holdersCache.size > 1000) holdersCache.clear();
  holdersCache.set(key, { at: Date.now(), value });
  return value;
}

/** Customers holding a product line (or any, for `null`) at some time in the period. */
async function holdersByLine(db: Kysely<DB>, workspaceId: string, period: Period, byLine: boolean): Promise<Map<string, number>> {
  const { start, end } = periodInstants(period);
  const rows = await db
    .selectFrom('holdings as h')
    .innerJoin('products as p', (join) => join.onRef('p.workspace_id', '=', 'h.workspace_id').onRef('p.id', '=', 'h.product_id'))
    .select((eb) => [
      (byLine ? sql<string>`${eb.ref('p.product_line_id')}` : sql<string>`''`).as('line'),
      sql<number>`count(distinct ${eb.ref('h.customer_id')})::bigint`.as('holders'),
    ])
    .where('h.workspace_id', '=', workspaceId)
    .where('h.started_at', '<', end)
    .where((eb) => eb.or([eb('h.ended_at', 'is', null), eb('h.ended_at', '>=', start)]))
    .groupBy(sql`1`)
    .execute();
  return new Map(rows.map((r) => [r.line, Number(r.holders)]));
}

/**
 * Service metrics for a period (src/metrics/periods.ts), grouped by one dimension, plus a
 * series over time for the whole (or one value of the dimension).
 */
export async function getServiceMetrics(db: Kysely<DB>, workspaceId: string, query: MetricsQuery): Promise<ServiceMetrics> {
  checkPeriod(query);
  const by: ServiceDimension = query.by ?? 'all';
  const interval = query.interval ?? 'week';
  const seriesDimension = query.value !== undefined ? by : 'all';
  const seriesValue = query.value ?? '';
  const range = sql`workspace_id = ${workspaceId} and day between ${query.from}::date and ${query.to}::date`;
  const period = intervalOf(interval);
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
    dimensionLabels(db, workspaceId, by),
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
    ...Object.fromEntries(SERVICE_COUNTERS.map((c) => [c, Number(row[c] ?? 0)])),
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
        label: labelOf(names, by, row.value),
        ...figures(toSums(row), gb.get(row.value) ?? none, holders ? (holders.get(row.value) ?? 0) : null),
      }))
      .sort((a, b) => b.interactions + b.casesOpened - (a.interactions + a.casesOpened)),
    series: seriesRows.rows.map((row) => ({ period: row.value, ...figures(toSums(row), sb.get(row.value) ?? none, null) })),
  };
}
