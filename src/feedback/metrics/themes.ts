import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { percentOf } from '../../metrics/csat-ces.js';
import { sentimentMean } from '../../metrics/feedback-figures.js';
import { getThemeCounts } from '../../metrics/feedback-metrics.js';
import { periodInstants } from '../../metrics/periods.js';
import type { FeedbackDimension, FeedbackThemes, FeedbackThemesQuery } from './schemas.js';

// Themes: how often each was named and how those comments felt come from the per-theme
// rollups (src/metrics/); up to three example quotes per theme are read from the responses
// themselves (through the GIN index on themes), limited to the same period, kind and value.

const COLUMN: Record<Exclude<FeedbackDimension, 'all'>, string> = {
  channel: 'channel',
  agent: 'agent_user_id',
  team: 'team_id',
  job: 'job_id',
  product_line: 'product_line_id',
  segment: 'segment',
};

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export async function getFeedbackThemes(db: Kysely<DB>, workspaceId: string, query: FeedbackThemesQuery): Promise<FeedbackThemes> {
  const kind = query.kind ?? 'interaction';
  const by = query.value === undefined ? 'all' : (query.by ?? 'all');
  const value = by === 'all' ? '' : (query.value ?? '');
  const { responses, themes } = await getThemeCounts(db, workspaceId, { ...query, kind, by, value, limit: query.limit ?? 12 });
  const { start, end } = periodInstants(query);
  const names = themes.map((t) => t.theme);
  const column = by === 'all' ? null : sql.ref(COLUMN[by]);
  const quotes = names.length
    ? await sql<{ theme: string; id: string; comment: string; sentiment_score: number | null; answered_at: Date }>`
        select t.theme, q.id, q.comment, q.sentiment_score, q.answered_at
        from unnest(${names}::text[]) t(theme)
        cross join lateral (
          select id, comment, sentiment_score, answered_at from survey_responses
          where workspace_id = ${workspaceId} and survey_kind = ${kind} and themes @> array[t.theme]
            and answered_at >= ${start.toISOString()}::timestamptz and answered_at < ${end.toISOString()}::timestamptz
            and comment is not null and comment <> ''
            ${column ? (value === '' ? sql`and ${column} is null` : sql`and ${column} = ${value}`) : sql``}
          order by answered_at desc limit 3) q`.execute(db)
    : { rows: [] };
  return {
    from: query.from,
    to: query.to,
    kind,
    responses,
    data: themes.map((t) => ({
      theme: t.theme,
      count: t.n,
      percent: percentOf(t.n, responses),
      sentiment: { count: t.sentimentN, mean: sentimentMean(t.sentimentMilliSum, t.sentimentN) },
      quotes: quotes.rows
        .filter((q) => q.theme === t.theme)
        .map((q) => ({
          responseId: q.id,
          comment: q.comment,
          sentimentScore: q.sentiment_score === null ? null : round(q.sentiment_score, 3),
          answeredAt: new Date(q.answered_at).toISOString(),
        })),
    })),
  };
}
