-- ─── Ingestion ─────────────────────────────────────────────────────────────

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
