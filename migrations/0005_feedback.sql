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
