-- ─── Metrics: one rollup mechanism ─────────────────────────────────────────
-- The metrics capability owns the rollup tables (src/metrics/tables.ts), and both kinds are
-- now kept the same way: by triggers on the rows they count. Every insert, update or delete
-- subtracts the old row's contribution and adds the new one, in the writing transaction, so
-- the rollups always equal a recount of the raw rows (src/metrics/service-rollups.ts and
-- feedback-rollups.ts rebuild them set-based; the tests compare the two) whichever code wrote
-- the row: the owning capability, erasure and merges walking every table, a bulk load, a
-- repair by hand. Until now the service rollups were kept by TypeScript deltas that every
-- writer had to remember to apply.
--
-- Days are days in the workspace's reporting time zone, which is UTC for every workspace
-- (REPORTING_TIME_ZONE in src/metrics/periods.ts). The NPS, CSAT and CES thresholds below are
-- those of src/metrics/nps.ts and csat-ces.ts; src/metrics/rollup-thresholds.test.ts proves
-- that they agree.

-- Where a contribution on a day lands, for every rollup: each (dimension, value) on its day,
-- and again under '<dimension>@month' on the first day of its month, so a long period reads
-- whole months and only its ragged edges day by day (periodRows in src/metrics/periods.ts).
create function metrics_rollup_keys(on_day date, dimensions text[], vals text[])
  returns table (dimension text, value text, day date)
  language sql immutable parallel safe
as $$
  select d.dimension || g.suffix, d.value, g.grain_day
  from unnest(dimensions, vals) d(dimension, value)
  cross join (values ('', on_day), ('@month', date_trunc('month', on_day::timestamp)::date)) g(suffix, grain_day)
$$;

-- ─── Feedback rollups (as in the feedback migration, with the keys above) ───
create or replace function feedback_rollups_apply() returns trigger language plpgsql as $$
begin
  -- One statement writes both tables; keys are written in sorted order so concurrent writers
  -- take row locks in one order.
  with changed as (
    select -1 as sign, old as r where tg_op <> 'INSERT'
    union all
    select 1, new where tg_op <> 'DELETE'
  ), c as (
    select sign, (r).workspace_id, (r).survey_kind, ((r).answered_at at time zone 'UTC')::date as day, (r).channel,
      (r).agent_user_id, (r).team_id, (r).job_id, (r).product_line_id, (r).segment, (r).sentiment_score, (r).themes,
      ((r).status = 'complete')::int as complete,
      ((r).nps is not null)::int as nps_n, coalesce((r).nps >= 9, false)::int as promoter, coalesce((r).nps <= 6, false)::int as detractor,
      ((r).csat is not null)::int as csat_n, coalesce((r).csat >= 4, false)::int as satisfied,
      ((r).ces is not null)::int as ces_n, coalesce((r).ces >= 5, false)::int as agree, coalesce((r).ces, 0) as ces,
      (cardinality((r).feelings) > 0 or (r).feelings_asked)::int as asked, (cardinality((r).feelings) > 0)::int as elevated,
      ((r).sentiment_score is not null)::int as sentiment_n, coalesce(round((r).sentiment_score * 1000)::bigint, 0) as sentiment_milli
    from changed
  ), expanded as (
    select c.*, k.dimension, k.day as grain_day, k.value
    from c cross join lateral metrics_rollup_keys(c.day,
      array['all', 'channel', 'agent', 'team', 'job', 'product_line', 'segment'],
      array['', coalesce(c.channel, ''), coalesce(c.agent_user_id, ''), coalesce(c.team_id, ''), coalesce(c.job_id, ''),
        coalesce(c.product_line_id, ''), coalesce(c.segment, '')]) k
  ), counted as (
    insert into feedback_rollups as r (workspace_id, survey_kind, dimension, value, day, responses, complete, nps_n, nps_promoters,
      nps_detractors, csat_n, csat_satisfied, ces_n, ces_agree, ces_sum, feelings_asked, feelings_elevated, sentiment_n, sentiment_milli_sum)
    select workspace_id, survey_kind, dimension, value, grain_day, sum(sign), sum(sign * complete),
      sum(sign * nps_n), sum(sign * promoter), sum(sign * detractor), sum(sign * csat_n), sum(sign * satisfied),
      sum(sign * ces_n), sum(sign * agree), sum(sign * ces), sum(sign * asked), sum(sign * elevated),
      sum(sign * sentiment_n), sum(sign * sentiment_milli)
    from expanded
    group by workspace_id, survey_kind, dimension, value, grain_day
    order by workspace_id, survey_kind, dimension, value, grain_day
    on conflict (workspace_id, survey_kind, dimension, value, day) do update set
      responses = r.responses + excluded.responses, complete = r.complete + excluded.complete,
      nps_n = r.nps_n + excluded.nps_n, nps_promoters = r.nps_promoters + excluded.nps_promoters,
      nps_detractors = r.nps_detractors + excluded.nps_detractors, csat_n = r.csat_n + excluded.csat_n,
      csat_satisfied = r.csat_satisfied + excluded.csat_satisfied, ces_n = r.ces_n + excluded.ces_n,
      ces_agree = r.ces_agree + excluded.ces_agree, ces_sum = r.ces_sum + excluded.ces_sum,
      feelings_asked = r.feelings_asked + excluded.feelings_asked, feelings_elevated = r.feelings_elevated + excluded.feelings_elevated,
      sentiment_n = r.sentiment_n + excluded.sentiment_n, sentiment_milli_sum = r.sentiment_milli_sum + excluded.sentiment_milli_sum
  )
  insert into feedback_theme_rollups as t (workspace_id, survey_kind, dimension, value, theme, day, n, sentiment_n, sentiment_milli_sum)
  select e.workspace_id, e.survey_kind, e.dimension, e.value, th.theme, e.grain_day, sum(e.sign),
    sum(e.sign * e.sentiment_n), sum(e.sign * e.sentiment_milli)
  from expanded e cross join lateral (select distinct unnest(e.themes)) th(theme)
  group by e.workspace_id, e.survey_kind, e.dimension, e.value, th.theme, e.grain_day
  order by e.workspace_id, e.survey_kind, e.dimension, e.value, th.theme, e.grain_day
  on conflict (workspace_id, survey_kind, dimension, value, theme, day) do update set
    n = t.n + excluded.n, sentiment_n = t.sentiment_n + excluded.sentiment_n,
    sentiment_milli_sum = t.sentiment_milli_sum + excluded.sentiment_milli_sum;
  return null;
end
$$;

-- ─── Service rollups ───────────────────────────────────────────────────────
-- A case adds its opening, its first response and its resolution, each on its own day; an
-- interaction adds itself on the day it started. One function serves both tables: it reads
-- the row as JSON, so one statement (and one upsert of each rollup table) covers either.
-- Response and resolution times also go into log buckets (src/metrics/histogram.ts).
create function service_rollups_apply() returns trigger language plpgsql as $$
begin
  with changed as (
    select -1 as sign, to_jsonb(old) as r where tg_op <> 'INSERT'
    union all
    select 1, to_jsonb(new) where tg_op <> 'DELETE'
  ), c as (
    select sign, r, (r ->> 'started_at')::timestamptz as at, 1 as interactions, 0 as cases_opened, 0 as complaints,
      0 as responded, 0 as responded_with_target, 0 as responded_in_sla, 0::bigint as response_seconds,
      0 as resolved, 0 as resolved_with_target, 0 as resolved_in_sla, 0::bigint as resolution_seconds,
      0 as one_touch, 0 as repeat_contacts, null::text as metric, null::bigint as seconds
    from changed where tg_table_name = 'interactions'
    union all
    select sign, r, (r ->> 'opened_at')::timestamptz, 0, 1, (r ->> 'is_complaint')::boolean::int,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null
    from changed where tg_table_name = 'cases'
    union all
    -- SLA attainment counts only cases that had a target.
    select sign, r, (r ->> 'first_responded_at')::timestamptz, 0, 0, 0,
      1, (r ->> 'first_response_due_at' is not null)::int,
      coalesce((r ->> 'first_responded_at')::timestamptz <= (r ->> 'first_response_due_at')::timestamptz, false)::int,
      (r ->> 'first_response_seconds')::bigint, 0, 0, 0, 0, 0, 0, 'response', (r ->> 'first_response_seconds')::bigint
    from changed
    where tg_table_name = 'cases' and r ->> 'first_responded_at' is not null and r ->> 'first_response_seconds' is not null
    union all
    select sign, r, (r ->> 'resolved_at')::timestamptz, 0, 0, 0, 0, 0, 0, 0,
      1, (r ->> 'resolution_due_at' is not null)::int,
      coalesce((r ->> 'resolved_at')::timestamptz <= (r ->> 'resolution_due_at')::timestamptz, false)::int,
      (r ->> 'resolution_seconds')::bigint,
      -- one-touch: resolved with at most one contact, never transferred or reopened (src/service/effort.ts)
      ((r ->> 'contact_count')::int <= 1 and (r ->> 'transfer_count')::int = 0 and (r ->> 'reopen_count')::int = 0)::int,
      (r ->> 'repeat_contact_at' is not null)::int, 'resolution', (r ->> 'resolution_seconds')::bigint
    from changed
    where tg_table_name = 'cases' and r ->> 'state' in ('resolved', 'closed')
      and r ->> 'resolved_at' is not null and r ->> 'resolution_seconds' is not null
  ), expanded as (
    select c.*, r ->> 'workspace_id' as workspace_id, k.dimension, k.value, k.day
    from c cross join lateral metrics_rollup_keys((c.at at time zone 'UTC')::date,
      array['all', 'channel', 'team', 'agent', 'job', 'product_line'],
      array['', r ->> 'channel', coalesce(r ->> 'team_id', ''), coalesce(r ->> 'agent_user_id', ''), coalesce(r ->> 'job_id', ''),
        coalesce(r ->> 'product_line_id', '')]) k
  ), counted as (
    insert into service_rollups as t (workspace_id, day, dimension, value, interactions, cases_opened, complaints, responded,
      responded_with_target, responded_in_sla, response_seconds, resolved, resolved_with_target, resolved_in_sla,
      resolution_seconds, one_touch, repeat_contacts)
    select * from (
      select workspace_id, day, dimension, value, sum(sign * interactions) as interactions, sum(sign * cases_opened) as cases_opened,
        sum(sign * complaints) as complaints, sum(sign * responded) as responded,
        sum(sign * responded_with_target) as responded_with_target, sum(sign * responded_in_sla) as responded_in_sla,
        sum(sign * response_seconds) as response_seconds, sum(sign * resolved) as resolved,
        sum(sign * resolved_with_target) as resolved_with_target, sum(sign * resolved_in_sla) as resolved_in_sla,
        sum(sign * resolution_seconds) as resolution_seconds, sum(sign * one_touch) as one_touch,
        sum(sign * repeat_contacts) as repeat_contacts
      from expanded group by workspace_id, day, dimension, value
    ) d
    -- A change that moves no figure (a case assigned before it is answered) writes nothing.
    where (interactions, cases_opened, complaints, responded, responded_with_target, responded_in_sla, response_seconds, resolved,
      resolved_with_target, resolved_in_sla, resolution_seconds, one_touch, repeat_contacts) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    -- Keys in sorted order, so concurrent writers take row locks in one order.
    order by workspace_id, dimension, value, day
    on conflict (workspace_id, dimension, value, day) do update set
      interactions = t.interactions + excluded.interactions, cases_opened = t.cases_opened + excluded.cases_opened,
      complaints = t.complaints + excluded.complaints, responded = t.responded + excluded.responded,
      responded_with_target = t.responded_with_target + excluded.responded_with_target,
      responded_in_sla = t.responded_in_sla + excluded.responded_in_sla,
      response_seconds = t.response_seconds + excluded.response_seconds, resolved = t.resolved + excluded.resolved,
      resolved_with_target = t.resolved_with_target + excluded.resolved_with_target,
      resolved_in_sla = t.resolved_in_sla + excluded.resolved_in_sla,
      resolution_seconds = t.resolution_seconds + excluded.resolution_seconds, one_touch = t.one_touch + excluded.one_touch,
      repeat_contacts = t.repeat_contacts + excluded.repeat_contacts
  )
  insert into service_rollup_buckets as b (workspace_id, day, dimension, value, metric, bucket, n)
  select workspace_id, day, dimension, value, metric,
    -- bucket 0 under a minute, then 15% wide (bucketOf in src/metrics/histogram.ts)
    case when seconds < 60 then 0 else least(90, 1 + floor(ln(seconds / 60.0) / ln(1.15)))::int end, sum(sign)
  from expanded
  where metric is not null
  group by 1, 2, 3, 4, 5, 6
  having sum(sign) <> 0
  order by 1, 3, 4, 5, 2, 6
  on conflict (workspace_id, dimension, value, metric, day, bucket) do update set n = b.n + excluded.n;
  return null;
end
$$;

create trigger cases_rollup_insert_delete after insert or delete on cases
  for each row execute function service_rollups_apply();

-- Only changes to what a case contributes reach the rollups: a subject erased, a customer
-- merged or a breach recorded costs nothing.
create trigger cases_rollup_update
  after update of workspace_id, state, channel, team_id, agent_user_id, job_id, product_line_id, is_complaint, opened_at,
    first_response_due_at, resolution_due_at, first_responded_at, resolved_at, first_response_seconds, resolution_seconds,
    contact_count, transfer_count, reopen_count, repeat_contact_at
  on cases for each row
  when ((old.workspace_id, old.state, old.channel, old.team_id, old.agent_user_id, old.job_id, old.product_line_id, old.is_complaint,
         old.opened_at, old.first_response_due_at, old.resolution_due_at, old.first_responded_at, old.resolved_at,
         old.first_response_seconds, old.resolution_seconds, old.contact_count, old.transfer_count, old.reopen_count, old.repeat_contact_at)
    is distinct from (new.workspace_id, new.state, new.channel, new.team_id, new.agent_user_id, new.job_id, new.product_line_id,
         new.is_complaint, new.opened_at, new.first_response_due_at, new.resolution_due_at, new.first_responded_at, new.resolved_at,
         new.first_response_seconds, new.resolution_seconds, new.contact_count, new.transfer_count, new.reopen_count,
         new.repeat_contact_at))
  execute function service_rollups_apply();

create trigger interactions_rollup_insert_delete after insert or delete on interactions
  for each row execute function service_rollups_apply();

create trigger interactions_rollup_update
  after update of workspace_id, channel, team_id, agent_user_id, job_id, product_line_id, started_at
  on interactions for each row
  when ((old.workspace_id, old.channel, old.team_id, old.agent_user_id, old.job_id, old.product_line_id, old.started_at)
    is distinct from (new.workspace_id, new.channel, new.team_id, new.agent_user_id, new.job_id, new.product_line_id, new.started_at))
  execute function service_rollups_apply();
