import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { LAST_BUCKET } from './histogram.js';
import { MONTH_GRAIN } from './rollups.js';

// The rollups recounted from the raw tables in set-based SQL: the repair tool, the loader
// for bulk-generated data, and an independent second implementation that the incremental
// (TypeScript) deltas are tested against. Mirrors caseContribution/interactionContribution.

const bucket = (seconds: ReturnType<typeof sql>) =>
  sql`case when ${seconds} < 60 then 0 else least(${LAST_BUCKET}, 1 + floor(ln(${seconds} / 60.0) / ln(1.15)))::int end`;

const CONTRIBUTIONS = (workspaceId: string) => sql`
  select (opened_at at time zone 'UTC')::date as day, channel, team_id, agent_user_id, job_id, product_line_id,
    0 as interactions, 1 as cases_opened, is_complaint::int as complaints,
    0 as responded, 0 as responded_with_target, 0 as responded_in_sla, 0::bigint as response_seconds,
    0 as resolved, 0 as resolved_with_target, 0 as resolved_in_sla, 0::bigint as resolution_seconds,
    0 as one_touch, 0 as repeat_contacts, null::text as metric, null::int as bucket
  from cases where workspace_id = ${workspaceId}
  union all
  select (first_responded_at at time zone 'UTC')::date, channel, team_id, agent_user_id, job_id, product_line_id,
    0, 0, 0, 1, (first_response_due_at is not null)::int, coalesce(first_responded_at <= first_response_due_at, false)::int,
    first_response_seconds, 0, 0, 0, 0, 0, 0, 'response', ${bucket(sql`first_response_seconds`)}
  from cases where workspace_id = ${workspaceId} and first_responded_at is not null and first_response_seconds is not null
  union all
  select (resolved_at at time zone 'UTC')::date, channel, team_id, agent_user_id, job_id, product_line_id,
    0, 0, 0, 0, 0, 0, 0, 1, (resolution_due_at is not null)::int, coalesce(resolved_at <= resolution_due_at, false)::int,
    resolution_seconds, (contact_count <= 1 and transfer_count = 0 and reopen_count = 0)::int, (repeat_contact_at is not null)::int,
    'resolution', ${bucket(sql`resolution_seconds`)}
  from cases where workspace_id = ${workspaceId} and state in ('resolved', 'closed') and resolved_at is not null and resolution_seconds is not null
  union all
  select (started_at at time zone 'UTC')::date, channel, team_id, agent_user_id, job_id, product_line_id,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null
  from interactions where workspace_id = ${workspaceId}`;

// Every row on its day and, under '<dimension>@month', on the first day of its month.
const DIMS = sql`cross join lateral (values ('all', ''), ('channel', c.channel), ('team', coalesce(c.team_id, '')),
  ('agent', coalesce(c.agent_user_id, '')), ('job', coalesce(c.job_id, '')), ('product_line', coalesce(c.product_line_id, ''))) v(dim, value)
  cross join lateral (values (c.day, v.dim), (date_trunc('month', c.day)::date, v.dim || ${MONTH_GRAIN})) d(day, dimension)`;

/** Recounts a workspace's rollups from its cases and interactions. */
export async function rebuildRollups(db: Kysely<DB>, workspaceId: string): Promise<void> {
  await db.deleteFrom('service_rollups').where('workspace_id', '=', workspaceId).execute();
  await db.deleteFrom('service_rollup_buckets').where('workspace_id', '=', workspaceId).execute();
  await sql`insert into service_rollups (workspace_id, day, dimension, value, interactions, cases_opened, complaints,
      responded, responded_with_target, responded_in_sla, response_seconds, resolved, resolved_with_target, resolved_in_sla,
      resolution_seconds, one_touch, repeat_contacts)
    select ${workspaceId}, d.day, d.dimension, v.value, sum(interactions), sum(cases_opened), sum(complaints),
      sum(responded), sum(responded_with_target), sum(responded_in_sla), sum(response_seconds), sum(resolved),
      sum(resolved_with_target), sum(resolved_in_sla), sum(resolution_seconds), sum(one_touch), sum(repeat_contacts)
    from (${CONTRIBUTIONS(workspaceId)}) c ${DIMS}
    group by d.day, d.dimension, v.value`.execute(db);
  await sql`insert into service_rollup_buckets (workspace_id, day, dimension, value, metric, bucket, n)
    select ${workspaceId}, d.day, d.dimension, v.value, c.metric, c.bucket, count(*)
    from (${CONTRIBUTIONS(workspaceId)}) c ${DIMS}
    where c.metric is not null
    group by d.day, d.dimension, v.value, c.metric, c.bucket`.execute(db);
}
