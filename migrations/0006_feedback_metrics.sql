-- ─── Feedback metrics ──────────────────────────────────────────────────────
-- Daily rollups of survey_responses per survey kind and dimension ('all', 'channel',
-- 'agent', 'team', 'job', 'product_line', 'segment'; '' is "none"), kept by a trigger:
-- every insert, update or delete of a response subtracts the old row's contribution and
-- adds the new one, so any period is a sum over days and the rollups always equal a
-- recount. Days are UTC (the day of answered_at). As in the service rollups, each row is
-- also counted under '<dimension>@month' on the first day of its month, so a long period
-- reads whole months and only its ragged edges day by day.
--
-- A score counts as soon as it is answered, whether or not the response is complete.
-- The feelings question counts as asked when the response says so (feelings_asked) or
-- feelings were chosen; see README "Feedback metrics".

create table feedback_rollups (
  workspace_id text not null,
  survey_kind text not null,
  dimension text not null,
  value text not null,
  day date not null,
  responses bigint not null default 0,
  complete bigint not null default 0,
  nps_n bigint not null default 0,
  nps_promoters bigint not null default 0,
  nps_detractors bigint not null default 0,
  csat_n bigint not null default 0,
  csat_satisfied bigint not null default 0,
  ces_n bigint not null default 0,
  ces_agree bigint not null default 0,
  ces_sum bigint not null default 0,
  feelings_asked bigint not null default 0,
  feelings_elevated bigint not null default 0,
  -- sentiment in thousandths, so sums stay exact integers under add and subtract
  sentiment_n bigint not null default 0,
  sentiment_milli_sum bigint not null default 0,
  primary key (workspace_id, survey_kind, dimension, value, day)
);

-- How often each theme was named, and how the comments naming it felt.
create table feedback_theme_rollups (
  workspace_id text not null,
  survey_kind text not null,
  dimension text not null,
  value text not null,
  theme text not null,
  day date not null,
  n bigint not null default 0,
  sentiment_n bigint not null default 0,
  sentiment_milli_sum bigint not null default 0,
  primary key (workspace_id, survey_kind, dimension, value, theme, day)
);

-- Example quotes per theme are read from the responses that name it: through the themes
-- index for a rare theme, or newest first through the time index for a common one (which
-- then finds its three quotes after a few dozen rows instead of gathering every mention).
create index survey_responses_themes on survey_responses using gin (themes);
create index survey_responses_answered on survey_responses (workspace_id, survey_kind, answered_at desc);

create function feedback_rollups_apply() returns trigger language plpgsql as $$
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
    select c.*, g.dimension, g.day as grain_day, v.value
    from c
    cross join lateral (values ('all', ''), ('channel', coalesce(c.channel, '')), ('agent', coalesce(c.agent_user_id, '')),
      ('team', coalesce(c.team_id, '')), ('job', coalesce(c.job_id, '')), ('product_line', coalesce(c.product_line_id, '')),
      ('segment', coalesce(c.segment, ''))) v(dim, value)
    cross join lateral (values (c.day, v.dim), (date_trunc('month', c.day)::date, v.dim || '@month')) g(day, dimension)
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

create trigger survey_responses_rollup_insert_delete after insert or delete on survey_responses
  for each row execute function feedback_rollups_apply();

-- Only changes that move a figure reach the rollups: a comment erased, a customer merged or
-- an answer that leaves every counted value alone costs nothing.
create trigger survey_responses_rollup_update
  after update of workspace_id, survey_kind, answered_at, channel, agent_user_id, team_id, job_id, product_line_id, segment,
    status, nps, csat, ces, feelings, feelings_asked, sentiment_score, themes
  on survey_responses for each row
  when ((old.workspace_id, old.survey_kind, (old.answered_at at time zone 'UTC')::date, old.channel, old.agent_user_id, old.team_id,
         old.job_id, old.product_line_id, old.segment, old.status, old.nps, old.csat, old.ces, old.feelings,
         old.feelings_asked, old.sentiment_score, old.themes)
    is distinct from (new.workspace_id, new.survey_kind, (new.answered_at at time zone 'UTC')::date, new.channel, new.agent_user_id,
         new.team_id, new.job_id, new.product_line_id, new.segment, new.status, new.nps, new.csat, new.ces, new.feelings,
         new.feelings_asked, new.sentiment_score, new.themes))
  execute function feedback_rollups_apply();
