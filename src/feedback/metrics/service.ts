import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { SurveyKind } from '../tables.js';
import { invalid } from '../../errors.js';
import { labels, periodRows } from '../../service/metrics.js';
import { COUNTERS, emptySums, figuresOf, sumsOf } from './figures.js';
import type { FeedbackDimension, FeedbackMetrics, FeedbackMetricsQuery, ScorecardQuery, Scorecards } from './schemas.js';

// Feedback metrics are read from the daily rollups kept by the trigger feedback_rollups_apply
// (migrations/0001_baseline.sql), so their cost depends on days × groups, never on the number
// of responses.

const sumColumns = sql.join(COUNTERS.map((c) => sql`sum(${sql.ref(c)})::bigint as ${sql.ref(c)}`));
const MAX_DAYS = 3 * 366;

/** Rejects a period that ends before it starts or spans more than three years. */
export function checkPeriod(from: string, to: string): void {
  if (to < from) throw invalid('/to', `must not be before from (${from})`);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (days > MAX_DAYS) throw invalid('/to', 'the period may span at most three years');
}

async function labelsOf(db: Kysely<DB>, workspaceId: string, by: FeedbackDimension): Promise<Map<string, string>> {
  return by === 'segment' ? new Map() : labels(db, workspaceId, by);
}

const labelOf = (names: Map<string, string>, by: FeedbackDimension, value: string) =>
  value === '' ? (by === 'all' ? 'All' : 'None') : (names.get(value) ?? value);

/** Sums of the counters per value of a dimension over a period (inclusive UTC days). */
async function groupSums(db: Kysely<DB>, workspaceId: string, kind: SurveyKind, by: FeedbackDimension, from: string, to: string) {
  const rows = await sql<Record<string, unknown> & { value: string }>`select value, ${sumColumns} from feedback_rollups
    where survey_kind = ${kind} and ${periodRows(workspaceId, by, from, to)} group by value having sum(responses) <> 0`.execute(db);
  return rows.rows.map((row) => ({ value: row.value, sums: sumsOf(row) }));
}

/**
 * NPS, CSAT, CES, elevated feelings and sentiment for a period, for one survey kind: the
 * whole, each value of a dimension, and a series by day, week or month.
 */
export async function getFeedbackMetrics(db: Kysely<DB>, workspaceId: string, query: FeedbackMetricsQuery): Promise<FeedbackMetrics> {
  checkPeriod(query.from, query.to);
  const kind = query.kind ?? 'interaction';
  const by = query.by ?? 'all';
  const interval = query.interval ?? 'week';
  const perGroup = query.series === 'groups';
  const seriesDimension = perGroup || query.value !== undefined ? by : 'all';
  // Truncated as a timestamp without time zone: no per-row conversion through the session's zone.
  const period = sql`to_char(date_trunc(${interval}, day::timestamp), 'YYYY-MM-DD')`;

  const [total, groups, series, names] = await Promise.all([
    groupSums(db, workspaceId, kind, 'all', query.from, query.to),
    by === 'all' ? Promise.resolve(null) : groupSums(db, workspaceId, kind, by, query.from, query.to),
    sql<Record<string, unknown> & { period: string; value: string }>`select ${period} as period, value, ${sumColumns}
      from feedback_rollups
      where workspace_id = ${workspaceId} and survey_kind = ${kind} and dimension = ${seriesDimension}
        and day between ${query.from}::date and ${query.to}::date
        ${!perGroup && query.value !== undefined ? sql`and value = ${query.value}` : sql``}
      group by 1, 2 having sum(responses) <> 0 order by 1, 2`.execute(db),
    labelsOf(db, workspaceId, by),
  ]);
  const totalSums = total[0]?.sums ?? emptySums();
  return {
    from: query.from,
    to: query.to,
    kind,
    by,
    interval,
    total: figuresOf(totalSums),
    groups: (groups ?? [{ value: '', sums: totalSums }])
      .filter((g) => g.sums.responses !== 0)
      .sort((a, b) => b.sums.responses - a.sums.responses || a.value.localeCompare(b.value))
      .map((g) => ({ value: g.value === '' ? null : g.value, label: labelOf(names, by, g.value), ...figuresOf(g.sums) })),
    series: series.rows.map((row) => ({
      period: row.period,
      value: row.value === '' ? null : row.value,
      label: labelOf(names, seriesDimension, row.value),
      ...figuresOf(sumsOf(row)),
    })),
  };
}

/** Per agent, what their customers said: NPS, CSAT, CES, feelings and counts (never handle time). */
export async function getAgentScorecards(db: Kysely<DB>, workspaceId: string, query: ScorecardQuery): Promise<Scorecards> {
  checkPeriod(query.from, query.to);
  const kind = query.kind ?? 'interaction';
  const [groups, names] = await Promise.all([
    groupSums(db, workspaceId, kind, 'agent', query.from, query.to),
    labelsOf(db, workspaceId, 'agent'),
  ]);
  return {
    from: query.from,
    to: query.to,
    kind,
    data: groups
      .filter((g) => g.value !== '' && g.sums.responses !== 0)
      .map((g) => ({ agentId: g.value, name: names.get(g.value) ?? g.value, ...figuresOf(g.sums) }))
      .sort((a, b) => b.responses - a.responses || a.name.localeCompare(b.name)),
  };
}
