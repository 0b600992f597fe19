import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { periodRows } from '../../service/metrics.js';
import { checkPeriod } from './service.js';
import type { FeedbackDimension, FeedbackThemes, FeedbackThemesQuery } from './schemas.js';

// Themes: how often each was named and how those comments felt come from the per-theme
// rollups; up to three example quotes per theme are read from the responses themselves
// (through the GIN index on themes), limited to the same period, kind and value.

const COLUMN: Record<Exclude<FeedbackDimension, 'all'>, string> = {
  channel: 'channel',
  agent: 'agent_user_id',
  team: 'team_id',
  job: 'job_id',
  product_line: 'product_line_id',
  segment: 'segment',
};

/** The start of a UTC day (plus some days) as an instant, whatever the session's time zone. */
const utcStart = (day: string, plusDays = 0) => new Date(Date.parse(`${day}T00:00:00Z`) + plusDays * 86_400_000).toISOString();

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export async function getFeedbackThemes(db: Kysely<DB>, workspaceId: string, query: FeedbackThemesQuery): Promise<FeedbackThemes> {
  checkPeriod(query.from, query.to);
  const kind = query.kind ?? 'interaction';
  const by = query.value === undefined ? 'all' : (query.by ?? 'all');
  const value = by === 'all' ? '' : (query.value ?? '');
  const limit = query.limit ?? 12;
  const rows = periodRows(workspaceId, by, query.from, query.to);
  const [themes, base] = await Promise.all([
    sql<{ theme: string; n: number; sentiment_n: number; sentiment_milli_sum: number }>`
      select theme, sum(n)::bigint as n, sum(sentiment_n)::bigint as sentiment_n, sum(sentiment_milli_sum)::bigint as sentiment_milli_sum
      from feedback_theme_rollups where survey_kind = ${kind} and value = ${value} and ${rows}
      group by theme having sum(n) > 0 order by 2 desc, 1 limit ${limit}`.execute(db),
    sql<{ responses: number }>`select coalesce(sum(responses), 0)::bigint as responses from feedback_rollups
      where survey_kind = ${kind} and value = ${value} and ${rows}`.execute(db),
  ]);
  const names = themes.rows.map((t) => t.theme);
  const column = by === 'all' ? null : sql.ref(COLUMN[by]);
  const quotes = names.length
    ? await sql<{ theme: string; id: string; comment: string; sentiment_score: number | null; answered_at: Date }>`
        select t.theme, q.id, q.comment, q.sentiment_score, q.answered_at
        from unnest(${names}::text[]) t(theme)
        cross join lateral (
          select id, comment, sentiment_score, answered_at from survey_responses
          where workspace_id = ${workspaceId} and survey_kind = ${kind} and themes @> array[t.theme]
            and answered_at >= ${utcStart(query.from)}::timestamptz and answered_at < ${utcStart(query.to, 1)}::timestamptz
            and comment is not null and comment <> ''
            ${column ? (value === '' ? sql`and ${column} is null` : sql`and ${column} = ${value}`) : sql``}
          order by answered_at desc limit 3) q`.execute(db)
    : { rows: [] };
  const responses = Number(base.rows[0]?.responses ?? 0);
  return {
    from: query.from,
    to: query.to,
    kind,
    responses,
    data: themes.rows.map((t) => ({
      theme: t.theme,
      count: Number(t.n),
      percent: responses === 0 ? null : round((Number(t.n) / responses) * 100, 1),
      sentiment: {
        count: Number(t.sentiment_n),
        mean: Number(t.sentiment_n) === 0 ? null : round(Number(t.sentiment_milli_sum) / 1000 / Number(t.sentiment_n), 3),
      },
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
