import type { ColumnType } from 'kysely';
import type { Timestamp, CreatedAt, JsonWithDefault } from '../db/columns.js';

// Row types for the tables the feedback capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const SURVEY_KINDS = ['interaction', 'relationship'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export const SURVEY_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const RESPONSE_STATUSES = ['partial', 'complete'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

export interface SurveysTable {
  workspace_id: string;
  id: string;
  name: string;
  kind: SurveyKind;
  status: ColumnType<SurveyStatus, SurveyStatus | undefined, SurveyStatus>;
  definition: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  trigger: JsonWithDefault;
  sampling_rate: ColumnType<number, number | undefined, number>;
  activated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  swept_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface SurveyResponsesTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  survey_kind: SurveyKind;
  customer_id: string;
  language: string;
  interaction_id: string | null;
  case_id: string | null;
  agent_user_id: string | null;
  team_id: string | null;
  channel: string | null;
  job_id: string | null;
  product_line_id: string | null;
  segment: string | null;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  feelings: ColumnType<string[], string[] | undefined, string[]>;
  feelings_asked: ColumnType<boolean, boolean | undefined, boolean>;
  comment: string | null;
  sentiment_score: number | null;
  sentiment_label: SentimentLabel | null;
  themes: ColumnType<string[], string[] | undefined, string[]>;
  answers: JsonWithDefault;
  status: ColumnType<ResponseStatus, ResponseStatus | undefined, ResponseStatus>;
  started_at: Timestamp;
  answered_at: Timestamp;
  updated_at: CreatedAt;
  invitation_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export const INVITATION_STATUSES = ['sent', 'suppressed', 'skipped'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface SurveyInvitationsTable {
  workspace_id: string;
  id: string;
  survey_id: string;
  customer_id: string;
  subject_key: string;
  interaction_id: string | null;
  case_id: string | null;
  followup_case_id: string | null;
  status: InvitationStatus;
  reason: string | null;
  message_id: string | null;
  nonce: string;
  expires_at: Timestamp;
  opened_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

export interface SurveyFollowupsTable {
  workspace_id: string;
  response_id: string;
  case_id: string;
  customer_id: string;
  owner_user_id: string | null;
  reasons: string[];
  due_at: Timestamp;
  outcome: string | null;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  resurvey_invitation_id: string | null;
  created_at: CreatedAt;
}

export interface FeedbackServerSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

/** The feedback capability's tables, composed into the database type in src/db/schema.ts. */
export interface FeedbackTables {
  surveys: SurveysTable;
  survey_responses: SurveyResponsesTable;
  survey_invitations: SurveyInvitationsTable;
  survey_followups: SurveyFollowupsTable;
  feedback_server_secrets: FeedbackServerSecretsTable;
}
