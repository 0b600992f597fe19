-- Baseline: the whole schema, section by owning capability. It replaces the eight migrations
-- written before the first release (0001_foundation … 0008_message_handover) and produces the
-- same schema they did.
--
-- Every tenant table carries workspace_id; its primary key and unique keys start with it
-- and foreign keys between tenant tables include it, so the schema distributes on Citus
-- with workspace_id as the distribution column.
-- Shared catalogues (not per tenant, reference tables on Citus): workspaces, users, sessions,
-- feedback_server_secrets, schema_migrations.
--
-- Applied migrations are immutable: their sha256 is recorded in schema_migrations and the
-- server refuses to start when an applied file has changed. Change the schema with a new
-- numbered file, never by editing this one.

create extension if not exists pg_trgm;

-- ─── Migration history ──────────────────────────────────────────────────────

-- One row per applied file of migrations/, with the sha256 of its content (src/db/migrate.ts).
create table schema_migrations (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now(),
  checksum text not null
);

-- ─── Workspaces ─────────────────────────────────────────────────────────────

create table workspaces (
  id text primary key,
  name text not null,
  slug text not null unique,
  default_country text not null default 'GB',
  default_currency text not null default 'GBP',
  created_at timestamptz not null default now()
);

-- Owned by auth (sign-in, passwords); created here because memberships refer to it.
-- Shared catalogue: one person may work in several workspaces.
create table users (
  id text primary key,
  email text not null unique,
  name text not null,
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table memberships (
  workspace_id text not null references workspaces (id),
  user_id text not null references users (id),
  role text not null check (role in ('admin', 'lead', 'analyst', 'agent')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index memberships_user on memberships (user_id);

-- Append-only: who changed what, when.
create table audit_log (
  workspace_id text not null references workspaces (id),
  id text not null,
  occurred_at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('user', 'api_key', 'system')),
  actor_id text,
  action text not null,
  entity_type text not null,
  entity_id text not null,
  changes jsonb not null default '{}',
  primary key (workspace_id, id)
);
create index audit_log_entity on audit_log (workspace_id, entity_type, entity_id, occurred_at desc);
create index audit_log_time on audit_log (workspace_id, occurred_at desc);

-- ─── Auth ───────────────────────────────────────────────────────────────────

-- Shared catalogue: a session is found by its token before its workspace is known.
create table sessions (
  token_hash text primary key,
  user_id text not null references users (id),
  workspace_id text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  foreign key (workspace_id, user_id) references memberships (workspace_id, user_id) on delete cascade
);
create index sessions_expiry on sessions (expires_at);

create table api_keys (
  workspace_id text not null references workspaces (id),
  id text not null,
  kind text not null check (kind in ('write', 'secret')),
  name text not null,
  key_hash text not null,
  key_prefix text not null,
  created_by text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (workspace_id, id)
);
-- A key is presented without its workspace; the hash finds it.
create unique index api_keys_hash on api_keys (key_hash);

-- ─── Customers ──────────────────────────────────────────────────────────────

create table customers (
  workspace_id text not null references workspaces (id),
  id text not null,
  display_name text,
  traits jsonb not null default '{}',
  -- preferences
  preferred_channels text[] not null default '{}',
  language text,
  time_zone text,
  quiet_hours_start smallint check (quiet_hours_start between 0 and 1439),
  quiet_hours_end smallint check (quiet_hours_end between 0 and 1439),
  contact_cap_count integer check (contact_cap_count > 0),
  contact_cap_days integer check (contact_cap_days > 0),
  -- a merged profile keeps its row as a redirect to the survivor
  merged_into text,
  erased_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);
create index customers_merged_into on customers (workspace_id, merged_into) where merged_into is not null;
create index customers_created on customers (workspace_id, created_at desc);
create index customers_name_trgm on customers using gin (display_name gin_trgm_ops);

create table customer_identities (
  workspace_id text not null,
  kind text not null check (kind in ('email', 'phone', 'user_id', 'anonymous_id', 'external')),
  -- the source system for external ids (billing, crm, shop…); '' for the other kinds
  namespace text not null default '',
  value text not null,
  customer_id text not null,
  source text,
  created_at timestamptz not null default now(),
  primary key (workspace_id, kind, namespace, value),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
create index customer_identities_customer on customer_identities (workspace_id, customer_id);
create index customer_identities_value on customer_identities (workspace_id, value);
create index customer_identities_value_trgm on customer_identities using gin (value gin_trgm_ops);

-- Append-only record of identity resolution merges.
create table customer_merges (
  workspace_id text not null references workspaces (id),
  id text not null,
  survivor_id text not null,
  merged_id text not null,
  reason text not null,
  identity jsonb,
  -- the merged profile as it was, so nothing is lost
  merged_profile jsonb not null,
  actor_kind text not null,
  actor_id text,
  occurred_at timestamptz not null default now(),
  primary key (workspace_id, id)
);
create index customer_merges_survivor on customer_merges (workspace_id, survivor_id);
create index customer_merges_merged on customer_merges (workspace_id, merged_id);

create table households (
  workspace_id text not null references workspaces (id),
  id text not null,
  name text not null,
  kind text not null check (kind in ('household', 'family_plan', 'business_account')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);

create table household_members (
  workspace_id text not null,
  household_id text not null,
  customer_id text not null,
  role text not null check (role in ('owner', 'payer', 'member')),
  joined_at timestamptz not null default now(),
  primary key (workspace_id, household_id, customer_id),
  foreign key (workspace_id, household_id) references households (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
create index household_members_customer on household_members (workspace_id, customer_id);

-- Append-only consent history; the current state is the latest row per purpose and channel.
create table consent_events (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  purpose text not null check (purpose in ('service', 'marketing', 'surveys', 'profiling')),
  channel text not null check (channel in ('email', 'sms', 'phone', 'post', 'push', 'in_app', 'whatsapp')),
  status text not null check (status in ('granted', 'withdrawn')),
  source text not null,
  evidence jsonb,
  recorded_at timestamptz not null default now(),
  -- breaks ties between entries recorded at the same time: the later write wins
  seq bigint generated always as identity,
  actor_kind text not null,
  actor_id text,
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
create index consent_events_current on consent_events (workspace_id, customer_id, purpose, channel, recorded_at desc, seq desc);

create table dsr_requests (
  workspace_id text not null references workspaces (id),
  id text not null,
  customer_id text not null,
  kind text not null check (kind in ('export', 'erase')),
  reason text,
  requested_by_kind text not null,
  requested_by_id text,
  requested_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (workspace_id, id)
);
create index dsr_requests_customer on dsr_requests (workspace_id, customer_id);

-- ─── Catalog ────────────────────────────────────────────────────────────────

create table product_lines (
  workspace_id text not null references workspaces (id),
  id text not null,
  code text not null,
  name text not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, code)
);

create table products (
  workspace_id text not null,
  id text not null,
  product_line_id text not null,
  code text not null,
  name text not null,
  kind text not null check (kind in ('subscription', 'one_off', 'account')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, code),
  foreign key (workspace_id, product_line_id) references product_lines (workspace_id, id)
);

create table plans (
  workspace_id text not null,
  id text not null,
  product_id text not null,
  code text not null,
  name text not null,
  price_minor bigint not null check (price_minor >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  billing_period text not null check (billing_period in ('month', 'quarter', 'year', 'one_off')),
  -- allowances per billing period; null means unlimited
  data_mb bigint check (data_mb >= 0),
  minutes integer check (minutes >= 0),
  texts integer check (texts >= 0),
  -- overage in minor units: per GB of data, per minute, per text
  overage_per_gb_minor bigint not null default 0 check (overage_per_gb_minor >= 0),
  overage_per_minute_minor bigint not null default 0 check (overage_per_minute_minor >= 0),
  overage_per_text_minor bigint not null default 0 check (overage_per_text_minor >= 0),
  on_sale boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, code),
  foreign key (workspace_id, product_id) references products (workspace_id, id)
);

-- ─── Holdings ───────────────────────────────────────────────────────────────

create table holdings (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  -- who pays, when it is not the holder (a parent paying for a child's line)
  payer_customer_id text,
  household_id text,
  product_id text not null,
  plan_id text,
  status text not null check (status in ('pending', 'active', 'suspended', 'cancelled')),
  started_at timestamptz not null,
  ended_at timestamptz,
  price_minor bigint not null check (price_minor >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  acquisition_channel text,
  external_ref text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, payer_customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, household_id) references households (workspace_id, id),
  foreign key (workspace_id, product_id) references products (workspace_id, id),
  foreign key (workspace_id, plan_id) references plans (workspace_id, id),
  check (ended_at is null or ended_at >= started_at)
);
create index holdings_customer on holdings (workspace_id, customer_id);
create index holdings_payer on holdings (workspace_id, payer_customer_id) where payer_customer_id is not null;

create table usage_records (
  workspace_id text not null,
  holding_id text not null,
  period_start date not null,
  period_end date not null,
  data_mb bigint not null default 0 check (data_mb >= 0),
  minutes integer not null default 0 check (minutes >= 0),
  texts integer not null default 0 check (texts >= 0),
  primary key (workspace_id, holding_id, period_start),
  foreign key (workspace_id, holding_id) references holdings (workspace_id, id),
  check (period_end > period_start)
);

create table transactions (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  holding_id text,
  kind text not null check (kind in ('purchase', 'charge', 'payment', 'refund', 'fee', 'credit')),
  amount_minor bigint not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  description text,
  occurred_at timestamptz not null,
  source text,
  external_id text,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, holding_id) references holdings (workspace_id, id)
);
create index transactions_customer on transactions (workspace_id, customer_id, occurred_at desc);
create unique index transactions_external on transactions (workspace_id, source, external_id) where external_id is not null;

-- ─── Ingest ─────────────────────────────────────────────────────────────────

-- Events as accepted from analytics clients, before identity resolution. The request
-- is acknowledged once its rows are committed here; a background processor applies them
-- to profiles and timelines. The primary key makes a client's retry a no-op.
create table ingest_events (
  workspace_id text not null references workspaces (id),
  message_id text not null,
  -- arrival order, so that one person's events are applied in the order they came
  seq bigint generated always as identity,
  type text not null check (type in ('track', 'page', 'screen', 'identify', 'group', 'alias')),
  user_id text,
  anonymous_id text,
  -- the track event name, or the page/screen name
  name text,
  group_id text,
  previous_id text,
  -- as sent; emptied once applied (the profile and timeline hold them then, where erasure finds them)
  properties jsonb,
  traits jsonb,
  context jsonb,
  occurred_at timestamptz not null,
  sent_at timestamptz,
  received_at timestamptz not null,
  -- which client protocol it came through: segment, posthog, jitsu
  source text not null,
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  error text,
  processed_at timestamptz,
  primary key (workspace_id, message_id)
);
create index ingest_events_pending on ingest_events (seq) where status = 'pending';

-- A group id from a client (a company, an account) and the household it became.
create table ingest_groups (
  workspace_id text not null,
  group_id text not null,
  household_id text not null,
  primary key (workspace_id, group_id),
  foreign key (workspace_id, household_id) references households (workspace_id, id)
);

-- What happened to a customer: ingested track/page/screen events and system events.
create table customer_events (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  type text not null check (type in ('track', 'page', 'screen', 'identify', 'group', 'alias', 'system')),
  name text,
  properties jsonb not null default '{}',
  context jsonb not null default '{}',
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  source text,
  message_id text,
  primary key (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
create index customer_events_customer on customer_events (workspace_id, customer_id, occurred_at desc);
create unique index customer_events_message on customer_events (workspace_id, message_id) where message_id is not null;

-- ─── Service ────────────────────────────────────────────────────────────────

-- Teams, jobs, SLA policies with business-hours calendars, interactions on every channel,
-- cases with an append-only event history, and goodwill gestures. Their daily rollups are
-- under "Metrics rollups".

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

-- Goodwill: what one person in a role may grant per calendar month without approval.
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

-- ─── Messages ───────────────────────────────────────────────────────────────

-- Outbound communications: templates, the outbox, and what happened to each message.

-- Per-workspace message settings; a workspace without a row uses the defaults below.
create table message_settings (
  workspace_id text not null references workspaces (id),
  default_language text not null default 'en',
  -- contact-frequency cap across purposes (service messages are exempt), unless the customer sets their own
  cap_count integer not null default 4 check (cap_count > 0),
  cap_days integer not null default 7 check (cap_days > 0),
  updated_at timestamptz not null default now(),
  primary key (workspace_id)
);

create table message_templates (
  workspace_id text not null references workspaces (id),
  id text not null,
  -- a stable name callers use (survey_invite, gift_credit…); one version per language
  key text not null,
  purpose text not null check (purpose in ('service', 'survey', 'marketing', 'gift')),
  language text not null,
  subject text not null,
  body text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The values its preview reads as data.* (a link, an amount, a plan name): example values a
  -- person types, never a customer's data. The API completes them with a placeholder for each
  -- data.* name the text reads and does not declare (src/messages/sample-data.ts).
  sample_data jsonb not null default '{}'::jsonb,
  primary key (workspace_id, id),
  unique (workspace_id, key, language)
);

create table messages (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  purpose text not null check (purpose in ('service', 'survey', 'marketing', 'gift')),
  template_key text not null,
  language text,
  channel text check (channel in ('email', 'sms', 'webhook', 'letter')),
  -- the address the message goes to, chosen at enqueue (email, E.164 phone, postal lines, customer id)
  recipient text,
  subject text,
  body text,
  payload jsonb not null default '{}',
  status text not null check (status in ('queued', 'sending', 'sent', 'delivered', 'failed', 'suppressed')),
  reason text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- while `sending`: who holds the message and until when
  claimed_by text,
  lease_until timestamptz,
  idempotency_key text not null,
  unsubscribe_token text,
  provider_id text,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  updated_at timestamptz not null default now(),
  -- While a message is `sending`: true from the claim until its worker hands it to the
  -- transport (the worker commits false just before the send). A worker that dies while it
  -- is still true never handed the message over, so the lease sweep queues it again instead
  -- of failing it with `outcome_unknown`; only the messages in flight are left unknown.
  handover_pending boolean not null default false,
  primary key (workspace_id, id),
  unique (workspace_id, idempotency_key),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
-- the claim query: due queued messages, oldest first
create index messages_due on messages (next_attempt_at) where status = 'queued';
-- the lease sweep
create index messages_leased on messages (lease_until) where status = 'sending';
create index messages_customer on messages (workspace_id, customer_id, created_at desc);
create index messages_status on messages (workspace_id, status, created_at desc);
create unique index messages_unsubscribe on messages (workspace_id, unsubscribe_token) where unsubscribe_token is not null;
create index messages_provider on messages (workspace_id, provider_id) where provider_id is not null;

-- What happened to a message after it was queued: attempts, receipts, replies, unsubscribes.
create table message_events (
  workspace_id text not null,
  id text not null,
  message_id text not null,
  customer_id text not null,
  kind text not null check (kind in ('retry', 'failed', 'delivered', 'bounced', 'reply', 'unsubscribed', 'outcome_unknown')),
  detail jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, message_id) references messages (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
create index message_events_message on message_events (workspace_id, message_id, occurred_at);
create index message_events_customer on message_events (workspace_id, customer_id, occurred_at desc);

-- ─── Feedback ───────────────────────────────────────────────────────────────

-- Surveys and the responses to them. A response carries, copied at the time of answering,
-- everything it is reported by (interaction, case, agent, team, channel, job, product line,
-- segment), so "NPS per agent" is one query over one table and metrics never join back.

create table surveys (
  workspace_id text not null references workspaces (id),
  id text not null,
  name text not null,
  -- interaction surveys follow an interaction or a case; relationship surveys run on a cadence.
  -- Interaction NPS and relationship NPS are reported apart.
  kind text not null check (kind in ('interaction', 'relationship')),
  status text not null default 'draft' check (status in ('draft', 'active', 'paused', 'archived')),
  -- questions and their texts per BCP 47 language
  definition jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- When and to whom a survey goes: { events: ['interaction','case_resolved'], channels, jobIds,
  -- cadenceDays } and the share of eligible subjects that are asked (deterministic per subject).
  trigger jsonb not null default '{}',
  sampling_rate real not null default 1 check (sampling_rate > 0 and sampling_rate <= 1),
  -- Only what happened after a survey went live is surveyed, never the history before it.
  activated_at timestamptz,
  -- The trigger sweep claims a survey for a round by moving this on (FOR UPDATE SKIP LOCKED),
  -- so several workers share the surveys instead of all doing the same one.
  swept_at timestamptz,
  primary key (workspace_id, id),
  unique (workspace_id, name)
);

create table survey_responses (
  workspace_id text not null,
  id text not null,
  survey_id text not null,
  survey_kind text not null check (survey_kind in ('interaction', 'relationship')),
  customer_id text not null,
  language text not null,
  -- what the answer is about, copied when the response is created
  interaction_id text,
  case_id text,
  agent_user_id text,
  team_id text,
  channel text,
  job_id text,
  product_line_id text,
  -- the customer's `segment` trait when they answered
  segment text,
  -- the standard scores; null when the survey does not ask or the customer skipped it
  nps smallint check (nps between 0 and 10),
  csat smallint check (csat between 1 and 5),
  ces smallint check (ces between 1 and 7),
  -- elevated feelings chosen: special, smart, safe, cool, successful, attractive, original
  feelings text[] not null default '{}',
  -- the customer was shown the feelings question and submitted its page (choosing none counts):
  -- the denominator of the elevated-feeling share, kept apart from answers so erasure leaves it
  feelings_asked boolean not null default false,
  comment text,
  sentiment_score real,
  sentiment_label text check (sentiment_label in ('negative', 'neutral', 'positive')),
  themes text[] not null default '{}',
  -- every answer by question id, as given
  answers jsonb not null default '{}',
  -- partial answers are kept; a response is complete once the customer submits the last page
  status text not null default 'partial' check (status in ('partial', 'complete')),
  started_at timestamptz not null,
  -- the time of the latest answer: metrics place a response in time by this
  answered_at timestamptz not null,
  updated_at timestamptz not null default now(),
  -- the invitation answered, when the response came through one
  invitation_id text,
  primary key (workspace_id, id),
  foreign key (workspace_id, survey_id) references surveys (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, interaction_id) references interactions (workspace_id, id),
  foreign key (workspace_id, case_id) references cases (workspace_id, id),
  foreign key (workspace_id, agent_user_id) references memberships (workspace_id, user_id),
  foreign key (workspace_id, team_id) references service_teams (workspace_id, id),
  foreign key (workspace_id, job_id) references service_jobs (workspace_id, id),
  foreign key (workspace_id, product_line_id) references product_lines (workspace_id, id)
);
create index survey_responses_customer on survey_responses (workspace_id, customer_id, answered_at desc);
create index survey_responses_interaction on survey_responses (workspace_id, interaction_id) where interaction_id is not null;
-- Example quotes per theme are read from the responses that name it: through the themes
-- index for a rare theme, or newest first through the time index for a common one (which
-- then finds its three quotes after a few dozen rows instead of gathering every mention).
create index survey_responses_themes on survey_responses using gin (themes);
create index survey_responses_answered on survey_responses (workspace_id, survey_kind, answered_at desc);
-- one response per invitation: answering again updates it
create unique index survey_responses_invitation on survey_responses (workspace_id, invitation_id);

-- One invitation per survey and subject (an interaction, a case, a cadence period or a
-- follow-up), so a sweep that runs twice, or on two nodes, asks once. Subjects the rules
-- left out are kept as `skipped` with the reason, which is what makes reruns no-ops.
create table survey_invitations (
  workspace_id text not null references workspaces (id),
  id text not null,
  survey_id text not null,
  customer_id text not null,
  subject_key text not null,
  interaction_id text,
  case_id text,
  -- a re-survey after recovery names the follow-up case it checks
  followup_case_id text,
  status text not null check (status in ('sent', 'suppressed', 'skipped')),
  reason text,
  message_id text,
  -- a random value signed into the link: a link cannot be forged from the invitation id alone
  nonce text not null,
  expires_at timestamptz not null,
  opened_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, survey_id, subject_key),
  foreign key (workspace_id, survey_id) references surveys (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, interaction_id) references interactions (workspace_id, id),
  foreign key (workspace_id, case_id) references cases (workspace_id, id)
);
-- contact-frequency rule: the latest invitation per customer
create index survey_invitations_customer on survey_invitations (workspace_id, customer_id, created_at desc);

-- Closed loop: one follow-up case per response, however often the answer changes.
create table survey_followups (
  workspace_id text not null references workspaces (id),
  response_id text not null,
  case_id text not null,
  -- the response's customer, so a merge repoints and an erasure empties the outcome text
  customer_id text not null,
  owner_user_id text,
  reasons text[] not null,
  due_at timestamptz not null,
  outcome text,
  resolved_at timestamptz,
  resurvey_invitation_id text,
  created_at timestamptz not null default now(),
  primary key (workspace_id, response_id),
  unique (workspace_id, case_id),
  foreign key (workspace_id, response_id) references survey_responses (workspace_id, id),
  foreign key (workspace_id, case_id) references cases (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id)
);
create index survey_followups_open on survey_followups (workspace_id, due_at) where resolved_at is null;

-- When no RAPPORT_SURVEY_SECRET is configured, one is generated and kept here so survey links
-- survive restarts. A shared catalogue (not per tenant): one server secret.
create table feedback_server_secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);

-- ─── Loyalty ────────────────────────────────────────────────────────────────

create table loyalty_settings (
  workspace_id text primary key references workspaces (id),
  -- tiers are computed from points earned over this rolling window, not from the balance
  tier_window_days integer not null default 365 check (tier_window_days > 0),
  -- each earn entry is a dated lot that expires this long after it was earned
  points_expiry_days integer not null default 730 check (points_expiry_days > 0),
  updated_at timestamptz not null default now()
);

-- Earning rules are data: one per kind, with its points.
create table loyalty_earning_rules (
  workspace_id text not null references workspaces (id),
  id text not null,
  kind text not null check (kind in ('purchase', 'tenure', 'survey', 'referral')),
  name text not null,
  -- flat points per qualifying event (per survey answered, per anniversary year, per referral)
  points integer not null default 0 check (points >= 0),
  -- purchases: points per whole unit of currency spent (per £1)
  points_per_unit integer not null default 0 check (points_per_unit >= 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, kind)
);

-- Append-only: the balance is always the sum of a customer's entries.
create table loyalty_entries (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  kind text not null check (kind in ('earn', 'redeem', 'expire', 'adjust')),
  points bigint not null check (
    (kind = 'earn' and points > 0) or (kind in ('redeem', 'expire') and points < 0) or (kind = 'adjust' and points <> 0)
  ),
  -- what the entry is for (a transaction, a survey response, a redemption…): the same source never counts twice
  source_key text not null,
  rule_id text,
  reason text,
  occurred_at timestamptz not null,
  -- earn lots only: when the lot's unspent points expire
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, source_key),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, rule_id) references loyalty_earning_rules (workspace_id, id)
);
create index loyalty_entries_customer on loyalty_entries (workspace_id, customer_id, occurred_at desc);

create table loyalty_tiers (
  workspace_id text not null references workspaces (id),
  id text not null,
  name text not null,
  -- points earned within the window needed to reach the tier
  min_points bigint not null check (min_points >= 0),
  benefits text[] not null default '{}',
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, name),
  unique (workspace_id, min_points)
);

create table loyalty_rewards (
  workspace_id text not null references workspaces (id),
  id text not null,
  name text not null,
  description text,
  cost_points bigint not null check (cost_points > 0),
  -- what the reward is worth in money, for the giving ledger
  value_minor bigint not null default 0 check (value_minor >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, name)
);

create table loyalty_redemptions (
  workspace_id text not null,
  id text not null,
  customer_id text not null,
  reward_id text not null,
  points bigint not null check (points > 0),
  entry_id text not null,
  idempotency_key text not null,
  redeemed_at timestamptz not null,
  primary key (workspace_id, id),
  unique (workspace_id, idempotency_key),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, reward_id) references loyalty_rewards (workspace_id, id),
  foreign key (workspace_id, entry_id) references loyalty_entries (workspace_id, id)
);
create index loyalty_redemptions_customer on loyalty_redemptions (workspace_id, customer_id, redeemed_at desc);

-- ─── Giving ─────────────────────────────────────────────────────────────────

-- Rules are data: one per kind, thresholds in config (validated by the service).
create table giving_rules (
  workspace_id text not null references workspaces (id),
  id text not null,
  kind text not null check (kind in ('best_tariff', 'fee_waiver', 'service_recovery', 'thank_you')),
  name text not null,
  enabled boolean not null default true,
  config jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  unique (workspace_id, kind)
);

-- One find of one rule. The current state sits here; how it got there is in gift_events.
create table gifts (
  workspace_id text not null,
  id text not null,
  rule_id text not null,
  rule_kind text not null check (rule_kind in ('best_tariff', 'fee_waiver', 'service_recovery', 'thank_you')),
  customer_id text not null,
  holding_id text,
  -- what the gift is about and for which period: the same find is never made twice,
  -- whichever worker or run finds it (the customer id is inside the key, so merges keep it unique)
  subject_key text not null,
  period text not null default '',
  title text not null,
  status text not null check (status in ('offered', 'accepted', 'declined', 'expired')),
  evidence jsonb not null,
  -- what accepting does: a plan change, a credit, bonus points, or nothing (an apology)
  action jsonb not null,
  value_minor bigint not null check (value_minor >= 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  message_id text,
  run_id text,
  offered_at timestamptz not null,
  expires_at timestamptz not null,
  decided_at timestamptz,
  primary key (workspace_id, id),
  unique (workspace_id, rule_id, subject_key, period),
  foreign key (workspace_id, rule_id) references giving_rules (workspace_id, id),
  foreign key (workspace_id, customer_id) references customers (workspace_id, id),
  foreign key (workspace_id, holding_id) references holdings (workspace_id, id)
);
create index gifts_customer on gifts (workspace_id, customer_id, offered_at desc);
create index gifts_offered on gifts (workspace_id, offered_at);
create index gifts_open on gifts (workspace_id, expires_at) where status = 'offered';

create table gift_events (
  workspace_id text not null,
  gift_id text not null,
  seq bigint generated always as identity,
  kind text not null check (kind in ('offered', 'accepted', 'declined', 'expired')),
  actor_kind text not null check (actor_kind in ('user', 'api_key', 'system')),
  actor_id text,
  note text,
  occurred_at timestamptz not null,
  primary key (workspace_id, gift_id, seq),
  foreign key (workspace_id, gift_id) references gifts (workspace_id, id)
);

create table giving_runs (
  workspace_id text not null references workspaces (id),
  id text not null,
  worker text not null,
  started_at timestamptz not null,
  finished_at timestamptz,
  chunks_done integer not null default 0,
  customers_scanned integer not null default 0,
  gifts_created integer not null default 0,
  gifts_expired integer not null default 0,
  by_rule jsonb not null default '{}',
  primary key (workspace_id, id)
);
create index giving_runs_started on giving_runs (workspace_id, started_at desc);

-- Customers are split into chunks by a hash of their id; a worker leases one chunk at a
-- time (FOR UPDATE SKIP LOCKED), so several workers share one sweep without overlap.
create table giving_chunks (
  workspace_id text not null references workspaces (id),
  chunk integer not null,
  leased_by text,
  lease_until timestamptz,
  done_at timestamptz,
  primary key (workspace_id, chunk)
);

-- ─── Metrics rollups ────────────────────────────────────────────────────────
-- Daily aggregates that keep service and feedback metrics fast.
-- The metrics capability owns the rollup tables (src/metrics/tables.ts), and both kinds are
-- kept the same way: by triggers on the rows they count. Every insert, update or delete
-- subtracts the old row's contribution and adds the new one, in the writing transaction, so
-- the rollups always equal a recount of the raw rows (src/metrics/service-rollups.ts and
-- feedback-rollups.ts rebuild them set-based; the tests compare the two) whichever code wrote
-- the row: the owning capability, erasure and merges walking every table, a bulk load, a
-- repair by hand.
--
-- Days are days in the workspace's reporting time zone, which is UTC for every workspace
-- (REPORTING_TIME_ZONE in src/metrics/periods.ts). The NPS, CSAT and CES thresholds below are
-- those of src/metrics/nps.ts and csat-ces.ts; src/metrics/rollup-thresholds.test.ts proves
-- that they agree.

-- Service: mergeable daily aggregates per dimension ('all', 'channel', 'team', 'agent', 'job',
-- 'product_line'; '' is "none"). Every case and interaction change adds its delta (the
-- triggers below), so any period is a sum over days.
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

-- Feedback: daily rollups of survey_responses per survey kind and dimension ('all', 'channel',
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
