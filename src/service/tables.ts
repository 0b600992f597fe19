import type { ColumnType } from 'kysely';
import type { JsonValue, Timestamp, CreatedAt, Json, JsonWithDefault } from '../db/columns.js';
import type { Role, ActorKind } from '../workspaces/tables.js';

// Row types for the tables the service capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export const CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'store', 'paper', 'video', 'sms', 'app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const CASE_STATES = ['open', 'assigned', 'responded', 'pending', 'resolved', 'reopened', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type CasePriority = (typeof CASE_PRIORITIES)[number];

export const GESTURE_KINDS = ['credit', 'waived_fee', 'free_replacement'] as const;
export type GestureKind = (typeof GESTURE_KINDS)[number];

export const GESTURE_STATUSES = ['granted', 'pending_approval', 'rejected'] as const;
export type GestureStatus = (typeof GESTURE_STATUSES)[number];

export interface WorkingHours {
  /** ISO weekday, Monday = 1 */
  day: number;
  start: string;
  end: string;
}

export interface SlaTarget {
  priority: CasePriority | null;
  channel: Channel | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface ServiceTeamsTable {
  workspace_id: string;
  id: string;
  name: string;
  lead_user_id: string | null;
  created_at: CreatedAt;
}

export interface ServiceTeamMembersTable {
  workspace_id: string;
  team_id: string;
  user_id: string;
  added_at: CreatedAt;
}

export interface ServiceJobsTable {
  workspace_id: string;
  id: string;
  code: string;
  name: string;
  created_at: CreatedAt;
}

export interface SlaPoliciesTable {
  workspace_id: string;
  id: string;
  name: string;
  time_zone: string;
  working_hours: Json<WorkingHours[] & JsonValue>;
  holidays: Json<string[]>;
  targets: Json<SlaTarget[] & JsonValue>;
  is_default: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CasesTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  subject: string;
  state: CaseState;
  priority: CasePriority;
  channel: Channel;
  job_id: string | null;
  product_line_id: string | null;
  team_id: string | null;
  agent_user_id: string | null;
  sla_policy_id: string | null;
  is_complaint: ColumnType<boolean, boolean | undefined, boolean>;
  complaint_category: string | null;
  opened_at: Timestamp;
  first_response_due_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  resolution_due_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  first_responded_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  resolved_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  closed_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  first_response_seconds: number | null;
  resolution_seconds: number | null;
  pending_since: ColumnType<Date | null, Date | string | null, Date | string | null>;
  paused_seconds: ColumnType<number, number | undefined, number>;
  first_response_breached_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  resolution_breached_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  contact_count: ColumnType<number, number | undefined, number>;
  channel_switches: ColumnType<number, number | undefined, number>;
  transfer_count: ColumnType<number, number | undefined, number>;
  reopen_count: ColumnType<number, number | undefined, number>;
  repeat_contact_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CaseEventsTable {
  workspace_id: string;
  id: string;
  case_id: string;
  kind: string;
  from_state: CaseState | null;
  to_state: CaseState | null;
  actor_kind: ActorKind;
  actor_id: string | null;
  data: JsonWithDefault;
  occurred_at: Timestamp;
}

export interface InteractionsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  channel: Channel;
  direction: Direction;
  agent_user_id: string | null;
  team_id: string | null;
  job_id: string | null;
  case_id: string | null;
  product_line_id: string | null;
  started_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  outcome: string | null;
  note: string | null;
  source: string | null;
  external_id: string | null;
  created_at: CreatedAt;
}

export interface GoodwillBudgetsTable {
  workspace_id: string;
  role: Role;
  currency: string;
  monthly_limit_minor: number;
  updated_at: CreatedAt;
}

export interface GoodwillGesturesTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  case_id: string | null;
  kind: GestureKind;
  amount_minor: number;
  currency: string;
  reason: string;
  status: GestureStatus;
  requested_by_kind: ActorKind;
  requested_by_id: string | null;
  requested_at: Timestamp;
  decided_by_user_id: string | null;
  decided_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  decision_note: string | null;
}

/** The service capability's tables, composed into the database type in src/db/schema.ts. */
export interface ServiceTables {
  service_teams: ServiceTeamsTable;
  service_team_members: ServiceTeamMembersTable;
  service_jobs: ServiceJobsTable;
  sla_policies: SlaPoliciesTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  interactions: InteractionsTable;
  goodwill_budgets: GoodwillBudgetsTable;
  goodwill_gestures: GoodwillGesturesTable;
}
