import { sql, type Expression, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { csatCesSql } from './csat-ces.js';
import { FEEDBACK_COUNTERS } from './feedback-figures.js';
import { npsClassSql } from './nps.js';
import { MONTH_GRAIN, REPORTING_TIME_ZONE } from './periods.js';

// Feedback rollups: daily counters of survey responses per survey kind and dimension ('' is
// "none"), and how often each theme was named. The trigger on survey_responses (migrations,
// feedback_rollups_apply) keeps them current. The recount below builds them from the
// responses in set-based SQL: the repair tool, the loader for bulk-generated data (the
// benchmark), and a second implementation, written apart from the trigger, that the tests hold
// the trigger to. Day rows are counted one dimension at a time; month rows are summed from them.

// Each dimension and the column its values come from ('' is "none").
const DIMENSIONS = [
  ['all', null],
  ['channel', 'channel'],
  ['agent', 'agent_user_id'],
  ['team', 'team_id'],
  ['job', 'job_id'],
  ['product_line', 'product_line_id'],
  ['segment', 'segment'],
] as const;

const valueOf = (column: Expression<string | null> | null) => (column === null ? sql<string>`''` : sql<string>`coalesce(${column}, '')`);
const dayOf = (at: Expression<Date>) => sql<string>`(${at} at time zone ${sql.lit(REPORTING_TIME_ZONE)})::date`;
// sentiment in thousandths, so sums stay exact integers under add and subtract
const milliSum = (score: Expression<number | null>) => sql<number>`coalesce(sum(round(${score} * 1000)::bigint), 0)`;

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
  const responses = db.selectFrom('survey_responses as s').where('s.workspace_id', '=', workspaceId);
  // One dimension at a time: one scan each, rather than one aggregate over response × dimension rows.
  for (const [dimension, column] of DIMENSIONS) {
    await db
      .insertInto('feedback_rollups')
      .columns(['workspace_id', 'survey_kind', 'dimension', 'value', 'day', ...FEEDBACK_COUNTERS])
      .expression(
        responses
          .select((eb) => [
            's.workspace_id',
            's.survey_kind',
            sql.lit(dimension).as('dimension'),
            valueOf(column === null ? null : eb.ref(`s.${column}`)).as('value'),
            dayOf(eb.ref('s.answered_at')).as('day'),
            eb.fn.countAll().as('responses'),
            eb.fn.countAll().filterWhere('s.status', '=', 'complete').as('complete'),
            eb.fn.count('s.nps').as('nps_n'),
            eb.fn
              .countAll()
              .filterWhere(npsClassSql.promoter(eb.ref('s.nps')))
              .as('nps_promoters'),
            eb.fn
              .countAll()
              .filterWhere(npsClassSql.detractor(eb.ref('s.nps')))
              .as('nps_detractors'),
            eb.fn.count('s.csat').as('csat_n'),
            eb.fn
              .countAll()
              .filterWhere(csatCesSql.satisfied(eb.ref('s.csat')))
              .as('csat_satisfied'),
            eb.fn.count('s.ces').as('ces_n'),
            eb.fn
              .countAll()
              .filterWhere(csatCesSql.agree(eb.ref('s.ces')))
              .as('ces_agree'),
            eb.fn.coalesce(eb.fn.sum('s.ces'), sql.lit(0)).as('ces_sum'),
            // The feelings question counts as asked when the response says so or feelings were chosen.
            eb.fn
              .countAll()
              .filterWhere(eb.or([eb('s.feelings', '<>', sql<string[]>`'{}'`), eb('s.feelings_asked', '=', true)]))
              .as('feelings_asked'),
            eb.fn
              .countAll()
              .filterWhere('s.feelings', '<>', sql<string[]>`'{}'`)
              .as('feelings_elevated'),
            eb.fn.count('s.sentiment_score').as('sentiment_n'),
            milliSum(eb.ref('s.sentiment_score')).as('sentiment_milli_sum'),
          ])
          .groupBy(sql`1, 2, 3, 4, 5`),
      )
      .execute();
    await db
      .insertInto('feedback_theme_rollups')
      .columns(['workspace_id', 'survey_kind', 'dimension', 'value', 'theme', 'day', 'n', 'sentiment_n', 'sentiment_milli_sum'])
      .expression(
        responses
          // A response naming a theme twice counts once.
          .crossJoinLateral((eb) => sql<{ theme: string }>`(select distinct unnest(${eb.ref('s.themes')}) as theme)`.as('t'))
          .where('s.themes', '<>', sql<string[]>`'{}'`)
          .select((eb) => [
            's.workspace_id',
            's.survey_kind',
            sql.lit(dimension).as('dimension'),
            valueOf(column === null ? null : eb.ref(`s.${column}`)).as('value'),
            't.theme',
            dayOf(eb.ref('s.answered_at')).as('day'),
            eb.fn.countAll().as('n'),
            eb.fn.count('s.sentiment_score').as('sentiment_n'),
            milliSum(eb.ref('s.sentiment_score')).as('sentiment_milli_sum'),
          ])
          .groupBy(sql`1, 2, 3, 4, 5, 6`),
      )
      .execute();
  }
  const counters = sql.join(FEEDBACK_COUNTERS.map((c) => sql.ref(c)));
  await sql`insert into feedback_rollups (workspace_id, survey_kind, dimension, value, day, ${counters})
    select workspace_id, survey_kind, dimension || ${MONTH_GRAIN}, value, date_trunc('month', day)::date,
      ${sql.join(FEEDBACK_COUNTERS.map((c) => sql`sum(${sql.ref(c)})`))}
    from feedback_rollups where workspace_id = ${workspaceId} and dimension not like ${`%${MONTH_GRAIN}`}
    group by 1, 2, 3, 4, 5`.execute(db);
  await sql`insert into feedback_theme_rollups (workspace_id, survey_kind, dimension, value, theme, day, n, sentiment_n, sentiment_milli_sum)
    select workspace_id, survey_kind, dimension || ${MONTH_GRAIN}, value, theme, date_trunc('month', day)::date,
      sum(n), sum(sentiment_n), sum(sentiment_milli_sum)
    from feedback_theme_rollups where workspace_id = ${workspaceId} and dimension not like ${`%${MONTH_GRAIN}`}
    group by 1, 2, 3, 4, 5, 6`.execute(db);
}
