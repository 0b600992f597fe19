-- Loyalty (points ledger, earning rules, tiers, rewards) and the giving engine (rules,
-- gifts with their append-only events, runs, and the chunks workers claim).

-- ─── Loyalty ───────────────────────────────────────────────────────────────

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

-- ─── Giving ────────────────────────────────────────────────────────────────

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
  rule_kind text not null,
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
