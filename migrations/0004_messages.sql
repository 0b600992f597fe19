-- ─── Messages ──────────────────────────────────────────────────────────────
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
