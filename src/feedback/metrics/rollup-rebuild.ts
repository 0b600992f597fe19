import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { MONTH_GRAIN } from '../../service/rollups.js';

// The feedback rollups recounted from survey_responses in set-based SQL: the repair tool,
// the loader for bulk-generated data (the benchmark), and a second implementation, written
// apart from the trigger (feedback_rollups_apply in migrations/0001_baseline.sql), that the
// trigger's bookkeeping is tested against.
// Day rows are counted one dimension at a time; month rows are summed from the day rows.

const COUNTERS = `responses, complete, nps_n, nps_promoters, nps_detractors, csat_n, csat_satisfied, ces_n, ces_agree, ces_sum,
  feelings_asked, feelings_elevated, sentiment_n, sentiment_milli_sum`;

// Each dimension and the column its values come from ('' is "none").
const DIMENSIONS: Array<[string, string | null]> = [
  ['all', null],
  ['channel', 'channel'],
  ['agent', 'agent_user_id'],
  ['team', 'team_id'],
  ['job', 'job_id'],
  ['product_line', 'product_line_id'],
  ['segment', 'segment'],
];

const MILLI = sql`round(s.sentiment_score * 1000)::bigint`;

/**
 * Recounts a workspace's feedback rollups (every survey kind and dimension) from its
 * responses, in one transaction so readers never see them half built.
 */
export async function rebuildFeedbackRollups(db: Kysely<DB>, workspaceId: string): Promise<void> {
  if (db.isTransaction) return recount(db, workspaceId);
  await db.transaction().execute((trx) => recount(trx, workspaceId));
}

async function recount(db: Kysely<DB>, workspaceId: string): Promise<void> {
  // The groups are few (kinds × days × values), but PostgreSQL takes the day of a timestamp
  // to be as distinct as the timestamp and would sort every response on disk: hashing them in
  // memory is what fits, so sorting is ruled out and the hash given room for this transaction.
  await sql`set local work_mem = '256MB'`.execute(db);
  await sql`set local enable_sort = off`.execute(db);
  await db.deleteFrom('feedback_rollups').where('workspace_id', '=', workspaceId).execute();
  await db.deleteFrom('feedback_theme_rollups').where('workspace_id', '=', workspaceId).execute();
  // One dimension at a time: one scan each, rather than one aggregate over response × dimension rows.
  for (const [dimension, column] of DIMENSIONS) {
    const value = column === null ? sql`''` : sql`coalesce(s.${sql.ref(column)}, '')`;
    await sql`insert into feedback_rollups (workspace_id, survey_kind, dimension, value, day, ${sql.raw(COUNTERS)})
      select s.workspace_id, s.survey_kind, ${dimension}, ${value}, (s.answered_at at time zone 'UTC')::date,
        count(*), count(*) filter (where s.status = 'complete'),
        count(s.nps), count(*) filter (where s.nps between 9 and 10), count(*) filter (where s.nps between 0 and 6),
        count(s.csat), count(*) filter (where s.csat in (4, 5)),
        count(s.ces), count(*) filter (where s.ces between 5 and 7), coalesce(sum(s.ces), 0),
        count(*) filter (where s.feelings <> '{}' or s.feelings_asked), count(*) filter (where s.feelings <> '{}'),
        count(s.sentiment_score), coalesce(sum(${MILLI}), 0)
      from survey_responses s
      where s.workspace_id = ${workspaceId}
      group by 1, 2, 3, 4, 5`.execute(db);
    await sql`insert into feedback_theme_rollups (workspace_id, survey_kind, dimension, value, theme, day, n, sentiment_n, sentiment_milli_sum)
      select s.workspace_id, s.survey_kind, ${dimension}, ${value}, t.theme, (s.answered_at at time zone 'UTC')::date,
        count(*), count(s.sentiment_score), coalesce(sum(${MILLI}), 0)
      from survey_responses s cross join lateral (select distinct unnest(s.themes)) t(theme)
      where s.workspace_id = ${workspaceId} and s.themes <> '{}'
      group by 1, 2, 3, 4, 5, 6`.execute(db);
  }
  await sql`insert into feedback_rollups (workspace_id, survey_kind, dimension, value, day, ${sql.raw(COUNTERS)})
    select workspace_id, survey_kind, dimension || ${MONTH_GRAIN}, value, date_trunc('month', day)::date,
      ${sql.raw(
        COUNTERS.split(',')
          .map((c) => `sum(${c.trim()})`)
          .join(', '),
      )}
    from feedback_rollups where workspace_id = ${workspaceId} and dimension not like ${`%${MONTH_GRAIN}`}
    group by 1, 2, 3, 4, 5`.execute(db);
  await sql`insert into feedback_theme_rollups (workspace_id, survey_kind, dimension, value, theme, day, n, sentiment_n, sentiment_milli_sum)
    select workspace_id, survey_kind, dimension || ${MONTH_GRAIN}, value, theme, date_trunc('month', day)::date,
      sum(n), sum(sentiment_n), sum(sentiment_milli_sum)
    from feedback_theme_rollups where workspace_id = ${workspaceId} and dimension not like ${`%${MONTH_GRAIN}`}
    group by 1, 2, 3, 4, 5, 6`.execute(db);
}
