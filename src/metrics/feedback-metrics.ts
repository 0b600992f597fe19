import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SurveyKind } from '../feedback/tables.js';
import type { FeedbackDimension, FeedbackMetrics, FeedbackMetricsQuery, ScorecardQuery, Scorecards } from '../feedback/metrics/schemas.js';
import { emptySums, FEEDBACK_COUNTERS, figuresOf, sumsOf } from './feedback-figures.js';
import { dimensionLabels, labelOf } from './labels.js';
import { checkPeriod, intervalOf, periodRows, THREE_YEARS, type Period } from './periods.js';

// Feedback metrics are read from the daily rollups, so their cost depends on days × groups,
// never on the number of responses. Routes in src/feedback/metrics/ serve them.

const sumColumns = sql.join(FEEDBACK_COUNTERS.map((c) => sql`sum(${sql.ref(c)})::bigint as ${sql.ref(c)}`));

/** Rejects a feedback period that ends before it starts or spans more than three years. */
export const checkFeedbackPeriod = (period: Period) => checkPeriod(period, THREE_YEARS);

/** Sums of the counters per value of a dimension over a period. */
async function groupSums(db: Kysely<DB>, workspaceId: string, kind: SurveyKind, by: FeedbackDimension, period: Period) {
  const rows = await sql<Record<string, unknown> & { value: string }>`select value, ${sumColumns} from feedback_rollups
    where survey_kind = ${kind} and ${periodRows(workspaceId, by, period.from, period.to)}
    group by value having sum(responses) <> 0`.execute(db);
  return rows.rows.map((row) => ({ value: row.value, sums: sumsOf(row) }));
}

/**
 * NPS, CSAT, CES, elevated feelings and sentiment for a period, for one survey kind: the
 * whole, each value of a dimension, and a series by day, week or month.
 */
export async function getFeedbackMetrics(db: Kysely<DB>, workspaceId: string, query: FeedbackMetricsQuery): Promise<FeedbackMetrics> {
  checkFeedbackPeriod(query);
  const kind = query.kind ?? 'interaction';
  const by = query.by ?? 'all';
  const interval = query.interval ?? 'week';
  const perGroup = query.series === 'groups';
  const seriesDimension = perGroup || query.value !== undefined ? by : 'all';

  const [total, groups, series, names] = await Promise.all([
    groupSums(db, workspaceId, kind, 'all', query),
    by === 'all' ? Promise.resolve(null) : groupSums(db, workspaceId, kind, by, query),
    sql<Record<string, unknown> & { period: string; value: string }>`select ${intervalOf(interval)} as period, value, ${sumColumns}
      from feedback_rollups
      where workspace_id = ${workspaceId} and survey_kind = ${kind} and dimension = ${seriesDimension}
        and day between ${query.from}::date and ${query.to}::date
        ${!perGroup && query.value !== undefined ? sql`and value = ${query.value}` : sql``}
      group by 1, 2 having sum(responses) <> 0 order by 1, 2`.execute(db),
    dimensionLabels(db, workspaceId, by),
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
  checkFeedbackPeriod(query);
  const kind = query.kind ?? 'interaction';
  const [groups, names] = await Promise.all([groupSums(db, workspaceId, kind, 'agent', query), dimensionLabels(db, workspaceId, 'agent')]);
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

export interface ThemeCount {
  theme: string;
  n: number;
  sentimentN: number;
  sentimentMilliSum: number;
}

/**
 * The most named themes over a period, for a survey kind and one value of a dimension ('all'
 * and '' for the whole), with how the comments naming them felt, and the responses they are a
 * share of.
 */
export async function getThemeCounts(
  db: Kysely<DB>,
  workspaceId: string,
  query: Period & { kind: SurveyKind; by: FeedbackDimension; value: string; limit: number },
): Promise<{ responses: number; themes: ThemeCount[] }> {
  checkFeedbackPeriod(query);
  const rows = periodRows(workspaceId, query.by, query.from, query.to);
  const [themes, base] = await Promise.all([
    sql<{ theme: string; n: number; sentiment_n: number; sentiment_milli_sum: number }>`
      select theme, sum(n)::bigint as n, sum(sentiment_n)::bigint as sentiment_n, sum(sentiment_milli_sum)::bigint as sentiment_milli_sum
      from feedback_theme_rollups where survey_kind = ${query.kind} and value = ${query.value} and ${rows}
      group by theme having sum(n) > 0 order by 2 desc, 1 limit ${query.limit}`.execute(db),
    sql<{ responses: number }>`select coalesce(sum(responses), 0)::bigint as responses from feedback_rollups
      where survey_kind = ${query.kind} and value = ${query.value} and ${rows}`.execute(db),
  ]);
  return {
    responses: Number(base.rows[0]?.responses ?? 0),
    themes: themes.rows.map((t) => ({
      theme: t.theme,
      n: Number(t.n),
      sentimentN: Number(t.sentiment_n),
      sentimentMilliSum: Number(t.sentiment_milli_sum),
    })),
  };
}
