-- Foundation: tenants and access, customers, catalog and holdings.
--
-- Every tenant table carries workspace_id; its primary key and unique keys start with it
-- and foreign keys between tenant tables include it, so the schema distributes on Citus
-- with workspace_id as the distribution column.
-- Shared catalogues (not per tenant, reference tables on Citus): workspaces, users, sessions.

create extension if not exists pg_trgm;

-- ─── Tenants and access ────────────────────────────────────────────────────

create table workspaces (
  id text primary key,
  name text not null,
  slug text not null unique,
  default_country text not null default 'GB',
  default_currency text not null default 'GBP',
  created_at timestamptz not null default now()
);

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

-- ─── Customers ─────────────────────────────────────────────────────────────

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

-- ─── Catalog ───────────────────────────────────────────────────────────────

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

-- ─── Holdings ──────────────────────────────────────────────────────────────

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
