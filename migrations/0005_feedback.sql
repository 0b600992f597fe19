-- ─── Feedback (voice of the customer) ─────────────────────────────────────
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

-- ─── Feedback: triggers, invitations, follow-ups (added by the feedback capability) ──
-- When and to whom a survey goes: { events: ['interaction','case_resolved'], channels, jobIds,
-- cadenceDays } and the share of eligible subjects that are asked (deterministic per subject).
alter table surveys add column trigger jsonb not null default '{}';
alter table surveys add column sampling_rate real not null default 1 check (sampling_rate > 0 and sampling_rate <= 1);
-- Only what happened after a survey went live is surveyed, never the history before it.
alter table surveys add column activated_at timestamptz;
-- The trigger sweep claims a survey for a round by moving this on (FOR UPDATE SKIP LOCKED),
-- so several workers share the surveys instead of all doing the same one.
alter table surveys add column swept_at timestamptz;

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

-- one response per invitation: answering again updates it
alter table survey_responses add column invitation_id text;
create unique index survey_responses_invitation on survey_responses (workspace_id, invitation_id);

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
