import { sql, type Expression, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { bucketSql } from './histogram.js';
import { MONTH_GRAIN, REPORTING_TIME_ZONE } from './periods.js';

// Service rollups: daily counters of cases and interactions per dimension ('' is "none"),
// and log-bucket histograms of response and resolution times. The trigger in
// migrations/0900_metrics_rollups.sql keeps them current as cases and interactions change.
// The recount below builds them from the raw rows in set-based SQL: the repair tool, the
// loader for bulk-generated data, and an independent second implementation that the tests
// hold the trigger to.

export const SERVICE_DIMENSIONS = ['all', 'channel', 'team', 'agent', 'job', 'product_line'] as const;
export type ServiceDimension = (typeof SERVICE_DIMENSIONS)[number];

export const SERVICE_COUNTERS = [
  'interactions',
  'cases_opened',
  'complaints',
  'responded',
  'responded_with_target',
  'responded_in_sla',
  'response_seconds',
  'resolved',
  'resolved_with_target',
  'resolved_in_sla',
  'resolution_seconds',
  'one_touch',
  'repeat_contacts',
] as const;
export type ServiceCounter = (typeof SERVICE_COUNTERS)[number];

const dayOf = (at: Expression<Date | null>) => sql<string>`(${at} at time zone ${sql.lit(REPORTING_TIME_ZONE)})::date`;
const flag = (condition: Expression<unknown>) => sql<number>`coalesce(${condition}, false)::int`;
const ONE = sql<number>`1`;

/** One contribution's columns: its day, every counter (0 unless given), and its histogram bucket. */
function contribution(
  day: Expression<string>,
  counters: Partial<Record<ServiceCounter, Expression<unknown>>>,
  histogram?: { metric: 'response' | 'resolution'; seconds: Expression<number | null> },
) {
  return [
    sql<string>`${day}`.as('day'),
    ...SERVICE_COUNTERS.map((name) => sql<number>`${counters[name] ?? sql`0`}::bigint`.as(name)),
    sql<string | null>`${histogram ? sql.lit(histogram.metric) : sql`null`}::text`.as('metric'),
    sql<number | null>`${histogram ? bucketSql(histogram.seconds) : sql`null`}::int`.as('bucket'),
  ];
}

const DIMENSION_COLUMNS = ['channel', 'team_id', 'agent_user_id', 'job_id', 'product_line_id'] as const;

/** What every case and interaction of a workspace contributes, one row per contribution (as the trigger counts them). */
function contributions(db: Kysely<DB>, workspaceId: string) {
  const cases = db.selectFrom('cases').where('workspace_id', '=', workspaceId);
  const opened = cases.select((eb) => [
    ...DIMENSION_COLUMNS,
    ...contribution(dayOf(eb.ref('opened_at')), { cases_opened: ONE, complaints: flag(eb.ref('is_complaint')) }),
  ]);
  const responded = cases
    .where('first_responded_at', 'is not', null)
    .where('first_response_seconds', 'is not', null)
    .select((eb) => [
      ...DIMENSION_COLUMNS,
      ...contribution(
        dayOf(eb.ref('first_responded_at')),
        {
          responded: ONE,
          // SLA attainment counts only cases that had a target.
          responded_with_target: flag(eb('first_response_due_at', 'is not', null)),
          responded_in_sla: flag(eb('first_responded_at', '<=', eb.ref('first_response_due_at'))),
          response_seconds: eb.ref('first_response_seconds'),
        },
        { metric: 'response', seconds: eb.ref('first_response_seconds') },
      ),
    ]);
  const resolved = cases
    .where('state', 'in', ['resolved', 'closed'])
    .where('resolved_at', 'is not', null)
    .where('resolution_seconds', 'is not', null)
    .select((eb) => [
      ...DIMENSION_COLUMNS,
      ...contribution(
        dayOf(eb.ref('resolved_at')),
        {
          resolved: ONE,
          resolved_with_target: flag(eb('resolution_due_at', 'is not', null)),
          resolved_in_sla: flag(eb('resolved_at', '<=', eb.ref('resolution_due_at'))),
          resolution_seconds: eb.ref('resolution_seconds'),
          // one-touch: at most one contact, never transferred or reopened (isOneTouch in src/service/effort.ts)
          one_touch: flag(eb.and([eb('contact_count', '<=', 1), eb('transfer_count', '=', 0), eb('reopen_count', '=', 0)])),
          repeat_contacts: flag(eb('repeat_contact_at', 'is not', null)),
        },
        { metric: 'resolution', seconds: eb.ref('resolution_seconds') },
      ),
    ]);
  const interactions = db
    .selectFrom('interactions')
    .where('workspace_id', '=', workspaceId)
    .select((eb) => [...DIMENSION_COLUMNS, ...contribution(dayOf(eb.ref('started_at')), { interactions: ONE })]);
  return opened.unionAll(responded).unionAll(resolved).unionAll(interactions);
}

// Every contribution on its day and, under '<dimension>@month', on the first day of its month.
const DIMS = sql`cross join lateral (values ('all', ''), ('channel', c.channel), ('team', coalesce(c.team_id, '')),
  ('agent', coalesce(c.agent_user_id, '')), ('job', coalesce(c.job_id, '')), ('product_line', coalesce(c.product_line_id, ''))) v(dim, value)
  cross join lateral (values (c.day, v.dim), (date_trunc('month', c.day)::date, v.dim || ${MONTH_GRAIN})) d(day, dimension)`;

const names = sql.join(SERVICE_COUNTERS.map((c) => sql.ref(c)));
const sums = sql.join(SERVICE_COUNTERS.map((c) => sql`sum(c.${sql.ref(c)})`));

/** Recounts a workspace's service rollups from its cases and interactions. */
export async function rebuildServiceRollups(db: Kysely<DB>, workspaceId: string): Promise<void> {
  await db.deleteFrom('service_rollups').where('workspace_id', '=', workspaceId).execute();
  await db.deleteFrom('service_rollup_buckets').where('workspace_id', '=', workspaceId).execute();
  const counted = contributions(db, workspaceId);
  await sql`insert into service_rollups (workspace_id, day, dimension, value, ${names})
    select ${workspaceId}, d.day, d.dimension, v.value, ${sums}
    from ${counted.as('c')} ${DIMS}
    group by d.day, d.dimension, v.value`.execute(db);
  await sql`insert into service_rollup_buckets (workspace_id, day, dimension, value, metric, bucket, n)
    select ${workspaceId}, d.day, d.dimension, v.value, c.metric, c.bucket, count(*)
    from ${counted.as('c')} ${DIMS}
    where c.metric is not null
    group by d.day, d.dimension, v.value, c.metric, c.bucket`.execute(db);
}
