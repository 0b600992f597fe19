-- Service: teams, jobs, SLA policies with business-hours calendars, interactions on every
-- channel, cases with an append-only event history, goodwill gestures, and the daily
-- rollups that keep service metrics fast.

create table service_teams (
  workspace_id text not null references workspaces (id),
  id text not null,
  name text not null,
  lead_user_id text,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, name),
  foreign key (workspace_id, lead_user_id) references memberships (workspace_id, user_id)
);

create table service_team_members (
  workspace_id text not null,
  team_id text not null,
  user_id text not null,
  added_at timestamptz not null default now(),
  primary key (workspace_id, team_id, user_id),
  foreign key (workspace_id, team_id) references service_teams (workspace_id, id),
  foreign key (workspace_id, user_id) references memberships (workspace_id, user_id) on delete cascade
);
create index service_team_members_user on service_team_members (workspace_id, user_id);

-- A customer's job to be done: "replace lost SIM", "change plan", "billing question".
create table service_jobs (
  workspace_id text not null references workspaces (id),
  id text not null,
  code text not null,
  name text not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, code)
);

-- A policy carries its calendar: an IANA zone, working hours per ISO weekday
-- ([{ "day": 1, "start": "09:00", "end": "17:00" }], Monday = 1) and holiday dates (["2026-12-25"]).
-- An empty working_hours list means round the clock. Targets by priority and channel:
-- [{ "priority": "high"|null, "channel": "chat"|null, "firstResponseMinutes", "resolutionMinutes" }].
create table sla_policies (
  workspace_id text not null references workspaces (id),
  id text not null,
  name text not null,
  time_zone text not null,
  working_hours jsonb not null default '[]',
  holidays jsonb not null default '[]',
  targets jsonb not null default '[]',
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, name)
);
create unique index sla_policies_default on sla_policies (workspace_id) where is_default;

create table cases (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  subject text not null,
  state text not null check (state in ('open', 'assigned', 'responded', 'pending', 'resolved', 'reopened', 'closed')),
  priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
  channel text not null,
  job_id text,
  product_line_id text,
  team_id text,
  agent_user_id text,
  sla_policy_id text,
  is_complaint boolean not null default false,
  complaint_category text,
  opened_at timestamptz not null,
  first_response_due_at timestamptz,
  resolution_due_at timestamptz,
  first_responded_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  -- business seconds, measured on the policy's calendar; pending time is not counted
  first_response_seconds bigint,
  resolution_seconds bigint,
  pending_since timestamptz,
  paused_seconds bigint not null default 0,
  first_response_breached_at timestamptz,
  resolution_breached_at timestamptz,
  -- behaviour counters for effort, kept current as interactions and events arrive
  contact_count integer not null default 0,
  channel_switches integer not null default 0,
  transfer_count integer not null default 0,
  reopen_count integer not null default 0,
  repeat_contact_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, job_id) references service_jobs (workspace_id, id),
  foreign key (workspace_id, product_line_id) references product_lines (workspace_id, id),
  foreign key (workspace_id, team_id) references service_teams (workspace_id, id),
  foreign key (workspace_id, agent_user_id) references memberships (workspace_id, user_id),
  foreign key (workspace_id, sla_policy_id) references sla_policies (workspace_id, id),
  check (complaint_category is null or is_complaint)
);
create index cases_customer on cases (workspace_id, customer_id, opened_at desc);
create index cases_agent_open on cases (workspace_id, agent_user_id, state) where state not in ('resolved', 'closed');
create index cases_team_open on cases (workspace_id, team_id, state) where state not in ('resolved', 'closed');
-- The breach sweep reads the earliest due instants of live cases.
create index cases_first_response_due on cases (first_response_due_at)
  where first_responded_at is null and first_response_breached_at is null and state not in ('resolved', 'closed');
create index cases_resolution_due on cases (resolution_due_at)
  where resolution_breached_at is null and state not in ('resolved', 'closed', 'pending');

-- Append-only history of a case: every transition, transfer, breach and complaint flag.
create table case_events (
  workspace_id text not null,
  id text not null,
  case_id text not null,
  kind text not null,
  from_state text,
  to_state text,
  actor_kind text not null check (actor_kind in ('user', 'api_key', 'system')),
  actor_id text,
  data jsonb not null default '{}',
  occurred_at timestamptz not null,
  primary key (workspace_id, id),
  foreign key (workspace_id, case_id) references cases (workspace_id, id)
);
create index case_events_case on case_events (workspace_id, case_id, occurred_at);
-- A breach is recorded once per case and target, however many sweeps run.
create unique index case_events_breach on case_events (workspace_id, case_id, (data ->> 'target')) where kind = 'breached';

create table interactions (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  channel text not null check (channel in ('phone', 'email', 'chat', 'web', 'social', 'store', 'paper', 'video', 'sms', 'app')),
  direction text not null check (direction in ('inbound', 'outbound')),
  agent_user_id text,
  team_id text,
  job_id text,
  case_id text,
  product_line_id text,
  started_at timestamptz not null,
  ended_at timestamptz,
  outcome text,
  note text,
  source text,
  external_id text,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, agent_user_id) references memberships (workspace_id, user_id),
  foreign key (workspace_id, team_id) references service_teams (workspace_id, id),
  foreign key (workspace_id, job_id) references service_jobs (workspace_id, id),
  foreign key (workspace_id, case_id) references cases (workspace_id, id),
  foreign key (workspace_id, product_line_id) references product_lines (workspace_id, id),
  check (ended_at is null or ended_at >= started_at)
);
create index interactions_customer on interactions (workspace_id, customer_id, started_at desc);
create index interactions_case on interactions (workspace_id, case_id, started_at) where case_id is not null;
create unique index interactions_external on interactions (workspace_id, source, external_id) where external_id is not null;

-- ─── Goodwill ──────────────────────────────────────────────────────────────

-- What one person in a role may grant per calendar month without approval.
create table goodwill_budgets (
  workspace_id text not null references workspaces (id),
  role text not null check (role in ('admin', 'lead', 'analyst', 'agent')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  monthly_limit_minor bigint not null check (monthly_limit_minor >= 0),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, role, currency)
);

create table goodwill_gestures (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  case_id text,
  kind text not null check (kind in ('credit', 'waived_fee', 'free_replacement')),
  amount_minor bigint not null check (amount_minor > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  reason text not null,
  status text not null check (status in ('granted', 'pending_approval', 'rejected')),
  requested_by_kind text not null check (requested_by_kind in ('user', 'api_key', 'system')),
  requested_by_id text,
  requested_at timestamptz not null,
  decided_by_user_id text,
  decided_at timestamptz,
  decision_note text,
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, case_id) references cases (workspace_id, id)
);
create index goodwill_gestures_customer on goodwill_gestures (workspace_id, customer_id, requested_at desc);
create index goodwill_gestures_requester on goodwill_gestures (workspace_id, requested_by_id, requested_at);

-- ─── Rollups ───────────────────────────────────────────────────────────────

-- Mergeable daily aggregates per dimension ('all', 'channel', 'team', 'agent', 'job',
-- 'product_line'; '' is "none"). Every case and interaction change adds its delta, so
-- any period is a sum over days. Days are UTC.
create table service_rollups (
  workspace_id text not null,
  day date not null,
  dimension text not null,
  value text not null,
  interactions bigint not null default 0,
  cases_opened bigint not null default 0,
  complaints bigint not null default 0,
  responded bigint not null default 0,
  responded_with_target bigint not null default 0,
  responded_in_sla bigint not null default 0,
  response_seconds bigint not null default 0,
  resolved bigint not null default 0,
  resolved_with_target bigint not null default 0,
  resolved_in_sla bigint not null default 0,
  resolution_seconds bigint not null default 0,
  one_touch bigint not null default 0,
  repeat_contacts bigint not null default 0,
  primary key (workspace_id, dimension, value, day)
);

-- Histograms of business seconds (metric 'response' or 'resolution') in log buckets,
-- from which medians and 90th percentiles are read.
create table service_rollup_buckets (
  workspace_id text not null,
  day date not null,
  dimension text not null,
  value text not null,
  metric text not null check (metric in ('response', 'resolution')),
  bucket smallint not null,
  n bigint not null default 0,
  primary key (workspace_id, dimension, value, metric, day, bucket)
);
-- Dashboard reads scan one dimension over a few months: an index-only scan of this index
-- reads them contiguously instead of visiting scattered heap pages.
create index service_rollup_buckets_read on service_rollup_buckets (workspace_id, dimension, day) include (value, metric, bucket, n);
