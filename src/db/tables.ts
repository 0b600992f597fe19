import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

// Row types for the tables in migrations/. Kept by hand beside the SQL: a column added
// there is added here in the same change.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A timestamptz column: read as Date, written as Date or ISO text. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz column with a database default. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column. */
export type Json<T extends JsonValue = JsonObject> = ColumnType<T, string | T, string | T>;
export type JsonWithDefault<T extends JsonValue = JsonObject> = ColumnType<T, string | T | undefined, string | T>;

export interface WorkspacesTable {
  id: string;
  name: string;
  slug: string;
  default_country: ColumnType<string, string | undefined, string>;
  default_currency: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: CreatedAt;
}

export type Role = 'admin' | 'lead' | 'analyst' | 'agent';

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  workspace_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export type ApiKeyKind = 'write' | 'secret';

export interface ApiKeysTable {
  workspace_id: string;
  id: string;
  kind: ApiKeyKind;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type ActorKind = 'user' | 'api_key' | 'system';

export interface AuditLogTable {
  workspace_id: string;
  id: string;
  occurred_at: CreatedAt;
  actor_kind: ActorKind;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: JsonWithDefault;
}

export interface CustomersTable {
  workspace_id: string;
  id: string;
  display_name: string | null;
  traits: JsonWithDefault;
  preferred_channels: ColumnType<string[], string[] | undefined, string[]>;
  language: string | null;
  time_zone: string | null;
  quiet_hours_start: number | null;
  quiet_hours_end: number | null;
  contact_cap_count: number | null;
  contact_cap_days: number | null;
  merged_into: string | null;
  erased_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export type IdentityKind = 'email' | 'phone' | 'user_id' | 'anonymous_id' | 'external';

export interface CustomerIdentitiesTable {
  workspace_id: string;
  kind: IdentityKind;
  namespace: ColumnType<string, string | undefined, string>;
  value: string;
  customer_id: string;
  source: string | null;
  created_at: CreatedAt;
}

export interface CustomerMergesTable {
  workspace_id: string;
  id: string;
  survivor_id: string;
  merged_id: string;
  reason: string;
  identity: Json | null;
  merged_profile: Json;
  actor_kind: ActorKind;
  actor_id: string | null;
  occurred_at: CreatedAt;
}

export type HouseholdKind = 'household' | 'family_plan' | 'business_account';
export type HouseholdRole = 'owner' | 'payer' | 'member';

export interface HouseholdsTable {
  workspace_id: string;
  id: string;
  name: string;
  kind: HouseholdKind;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface HouseholdMembersTable {
  workspace_id: string;
  household_id: string;
  customer_id: string;
  role: HouseholdRole;
  joined_at: CreatedAt;
}

export type ConsentPurpose = 'service' | 'marketing' | 'surveys' | 'profiling';
export type ConsentChannel = 'email' | 'sms' | 'phone' | 'post' | 'push' | 'in_app' | 'whatsapp';
export type ConsentStatus = 'granted' | 'withdrawn';

export interface ConsentEventsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  status: ConsentStatus;
  source: string;
  evidence: Json | null;
  recorded_at: CreatedAt;
  seq: Generated<number>;
  actor_kind: ActorKind;
  actor_id: string | null;
}

export interface DsrRequestsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  kind: 'export' | 'erase';
  reason: string | null;
  requested_by_kind: ActorKind;
  requested_by_id: string | null;
  requested_at: CreatedAt;
  completed_at: Timestamp | null;
}

export interface ProductLinesTable {
  workspace_id: string;
  id: string;
  code: string;
  name: string;
  created_at: CreatedAt;
}

export type ProductKind = 'subscription' | 'one_off' | 'account';

export interface ProductsTable {
  workspace_id: string;
  id: string;
  product_line_id: string;
  code: string;
  name: string;
  kind: ProductKind;
  created_at: CreatedAt;
}

export type BillingPeriod = 'month' | 'quarter' | 'year' | 'one_off';

export interface PlansTable {
  workspace_id: string;
  id: string;
  product_id: string;
  code: string;
  name: string;
  price_minor: number;
  currency: string;
  billing_period: BillingPeriod;
  data_mb: number | null;
  minutes: number | null;
  texts: number | null;
  overage_per_gb_minor: ColumnType<number, number | undefined, number>;
  overage_per_minute_minor: ColumnType<number, number | undefined, number>;
  overage_per_text_minor: ColumnType<number, number | undefined, number>;
  on_sale: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export type HoldingStatus = 'pending' | 'active' | 'suspended' | 'cancelled';

export interface HoldingsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  payer_customer_id: string | null;
  household_id: string | null;
  product_id: string;
  plan_id: string | null;
  status: HoldingStatus;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  price_minor: number;
  currency: string;
  acquisition_channel: string | null;
  external_ref: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface UsageRecordsTable {
  workspace_id: string;
  holding_id: string;
  /** 'YYYY-MM-DD' */
  period_start: string;
  period_end: string;
  data_mb: ColumnType<number, number | undefined, number>;
  minutes: ColumnType<number, number | undefined, number>;
  texts: ColumnType<number, number | undefined, number>;
}

export type TransactionKind = 'purchase' | 'charge' | 'payment' | 'refund' | 'fee' | 'credit';

export interface TransactionsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  holding_id: string | null;
  kind: TransactionKind;
  amount_minor: number;
  currency: string;
  description: string | null;
  occurred_at: Timestamp;
  source: string | null;
  external_id: string | null;
  created_at: CreatedAt;
}

export type EventType = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias' | 'system';

export interface CustomerEventsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  type: EventType;
  name: string | null;
  properties: JsonWithDefault;
  context: JsonWithDefault;
  occurred_at: Timestamp;
  received_at: CreatedAt;
  source: string | null;
  message_id: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Generated<Date>;
}

export interface DB {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  customer_merges: CustomerMergesTable;
  households: HouseholdsTable;
  household_members: HouseholdMembersTable;
  consent_events: ConsentEventsTable;
  dsr_requests: DsrRequestsTable;
  product_lines: ProductLinesTable;
  products: ProductsTable;
  plans: PlansTable;
  holdings: HoldingsTable;
  usage_records: UsageRecordsTable;
  transactions: TransactionsTable;
  customer_events: CustomerEventsTable;
  schema_migrations: SchemaMigrationsTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;

// ─── Service (migrations/0003_service.sql) ──────────────────────────────────

export type Channel = 'phone' | 'email' | 'chat' | 'web' | 'social' | 'store' | 'paper' | 'video' | 'sms' | 'app';
export type Direction = 'inbound' | 'outbound';
export type CaseState = 'open' | 'assigned' | 'responded' | 'pending' | 'resolved' | 'reopened' | 'closed';
export type CasePriority = 'low' | 'normal' | 'high' | 'urgent';
export type GestureKind = 'credit' | 'waived_fee' | 'free_replacement';
export type GestureStatus = 'granted' | 'pending_approval' | 'rejected';
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

interface RollupCounters {
  interactions: ColumnType<number, number | undefined, number>;
  cases_opened: ColumnType<number, number | undefined, number>;
  complaints: ColumnType<number, number | undefined, number>;
  responded: ColumnType<number, number | undefined, number>;
  responded_with_target: ColumnType<number, number | undefined, number>;
  responded_in_sla: ColumnType<number, number | undefined, number>;
  response_seconds: ColumnType<number, number | undefined, number>;
  resolved: ColumnType<number, number | undefined, number>;
  resolved_with_target: ColumnType<number, number | undefined, number>;
  resolved_in_sla: ColumnType<number, number | undefined, number>;
  resolution_seconds: ColumnType<number, number | undefined, number>;
  one_touch: ColumnType<number, number | undefined, number>;
  repeat_contacts: ColumnType<number, number | undefined, number>;
}

export interface ServiceRollupsTable extends RollupCounters {
  workspace_id: string;
  day: string;
  dimension: string;
  value: string;
}

export interface ServiceRollupBucketsTable {
  workspace_id: string;
  day: string;
  dimension: string;
  value: string;
  metric: 'response' | 'resolution';
  bucket: number;
  n: number;
}

// Declaration merging adds the service tables to DB without editing the block above.
export interface DB {
  service_teams: ServiceTeamsTable;
  service_team_members: ServiceTeamMembersTable;
  service_jobs: ServiceJobsTable;
  sla_policies: SlaPoliciesTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  interactions: InteractionsTable;
  goodwill_budgets: GoodwillBudgetsTable;
  goodwill_gestures: GoodwillGesturesTable;
  service_rollups: ServiceRollupsTable;
  service_rollup_buckets: ServiceRollupBucketsTable;
}

// ─── Ingestion (issue 4) ───────────────────────────────────────────────────

export type IngestEventType = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';
export type IngestStatus = 'pending' | 'done' | 'failed';

export interface IngestEventsTable {
  workspace_id: string;
  message_id: string;
  seq: Generated<number>;
  type: IngestEventType;
  user_id: string | null;
  anonymous_id: string | null;
  name: string | null;
  group_id: string | null;
  previous_id: string | null;
  properties: Json | null;
  traits: Json | null;
  context: Json | null;
  occurred_at: Timestamp;
  sent_at: Timestamp | null;
  received_at: Timestamp;
  source: string;
  status: Generated<IngestStatus>;
  error: string | null;
  processed_at: Timestamp | null;
}

export interface IngestGroupsTable {
  workspace_id: string;
  group_id: string;
  household_id: string;
}

// Declaration merging keeps this capability's tables in one block.
export interface DB {
  ingest_events: IngestEventsTable;
  ingest_groups: IngestGroupsTable;
}

// ─── Messages (migrations/0004_messages.sql) ────────────────────────────────

export type MessagePurpose = 'service' | 'survey' | 'marketing' | 'gift';
export type MessageChannel = 'email' | 'sms' | 'webhook' | 'letter';
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'suppressed';
export type MessageEventKind = 'retry' | 'failed' | 'delivered' | 'bounced' | 'reply' | 'unsubscribed' | 'outcome_unknown';

export interface MessageSettingsTable {
  workspace_id: string;
  default_language: ColumnType<string, string | undefined, string>;
  cap_count: ColumnType<number, number | undefined, number>;
  cap_days: ColumnType<number, number | undefined, number>;
  updated_at: CreatedAt;
}

export interface MessageTemplatesTable {
  workspace_id: string;
  id: string;
  key: string;
  purpose: MessagePurpose;
  language: string;
  subject: string;
  body: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface MessagesTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  purpose: MessagePurpose;
  template_key: string;
  language: string | null;
  channel: MessageChannel | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  payload: JsonWithDefault;
  status: MessageStatus;
  reason: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: CreatedAt;
  claimed_by: string | null;
  lease_until: Timestamp | null;
  /** While `sending`: claimed but not yet handed to the transport (migrations/0008). */
  handover_pending: ColumnType<boolean, boolean | undefined, boolean>;
  idempotency_key: string;
  unsubscribe_token: string | null;
  provider_id: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
  updated_at: CreatedAt;
}

export interface MessageEventsTable {
  workspace_id: string;
  id: string;
  message_id: string;
  customer_id: string;
  kind: MessageEventKind;
  detail: JsonWithDefault;
  occurred_at: CreatedAt;
}

export interface DB {
  message_settings: MessageSettingsTable;
  message_templates: MessageTemplatesTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
}

// ─── Feedback (migrations/0005_feedback.sql) ─────────────────────────────────

export type SurveyKind = 'interaction' | 'relationship';
export type SurveyStatus = 'draft' | 'active' | 'paused' | 'archived';
export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type ResponseStatus = 'partial' | 'complete';

export interface SurveysTable {
  workspace_id: string;
  id: string;
  name: string;
  kind: SurveyKind;
  status: ColumnType<SurveyStatus, SurveyStatus | undefined, SurveyStatus>;
  definition: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
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
}

export interface DB {
  surveys: SurveysTable;
  survey_responses: SurveyResponsesTable;
}

// ─── Feedback: triggers, invitations, follow-ups (migration 0005, feedback capability) ───

export interface SurveysTable {
  trigger: JsonWithDefault;
  sampling_rate: ColumnType<number, number | undefined, number>;
  activated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  swept_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface SurveyResponsesTable {
  invitation_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type InvitationStatus = 'sent' | 'suppressed' | 'skipped';

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

export interface DB {
  survey_invitations: SurveyInvitationsTable;
  survey_followups: SurveyFollowupsTable;
  feedback_server_secrets: FeedbackServerSecretsTable;
}

// ─── Feedback metrics (migrations/0006_feedback_metrics.sql) ─────────────────

export interface FeedbackRollupsTable {
  workspace_id: string;
  survey_kind: SurveyKind;
  dimension: string;
  value: string;
  day: string;
  responses: number;
  complete: number;
  nps_n: number;
  nps_promoters: number;
  nps_detractors: number;
  csat_n: number;
  csat_satisfied: number;
  ces_n: number;
  ces_agree: number;
  ces_sum: number;
  feelings_asked: number;
  feelings_elevated: number;
  sentiment_n: number;
  sentiment_milli_sum: number;
}

export interface FeedbackThemeRollupsTable {
  workspace_id: string;
  survey_kind: SurveyKind;
  dimension: string;
  value: string;
  theme: string;
  day: string;
  n: number;
  sentiment_n: number;
  sentiment_milli_sum: number;
}

export interface DB {
  feedback_rollups: FeedbackRollupsTable;
  feedback_theme_rollups: FeedbackThemeRollupsTable;
}

// ─── Loyalty and giving (migrations/0007_loyalty_giving.sql) ────────────────

export type LoyaltyEntryKind = 'earn' | 'redeem' | 'expire' | 'adjust';
export type EarningRuleKind = 'purchase' | 'tenure' | 'survey' | 'referral';
export type GivingRuleKind = 'best_tariff' | 'fee_waiver' | 'service_recovery' | 'thank_you';
export type GiftStatus = 'offered' | 'accepted' | 'declined' | 'expired';

export interface LoyaltySettingsTable {
  workspace_id: string;
  tier_window_days: ColumnType<number, number | undefined, number>;
  points_expiry_days: ColumnType<number, number | undefined, number>;
  updated_at: CreatedAt;
}

export interface LoyaltyEarningRulesTable {
  workspace_id: string;
  id: string;
  kind: EarningRuleKind;
  name: string;
  points: ColumnType<number, number | undefined, number>;
  points_per_unit: ColumnType<number, number | undefined, number>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface LoyaltyEntriesTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  kind: LoyaltyEntryKind;
  points: ColumnType<number, number, number>;
  source_key: string;
  rule_id: string | null;
  reason: string | null;
  occurred_at: Timestamp;
  expires_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface LoyaltyTiersTable {
  workspace_id: string;
  id: string;
  name: string;
  min_points: ColumnType<number, number, number>;
  benefits: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export interface LoyaltyRewardsTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string | null;
  cost_points: ColumnType<number, number, number>;
  value_minor: ColumnType<number, number | undefined, number>;
  currency: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

export interface LoyaltyRedemptionsTable {
  workspace_id: string;
  id: string;
  customer_id: string;
  reward_id: string;
  points: ColumnType<number, number, number>;
  entry_id: string;
  idempotency_key: string;
  redeemed_at: Timestamp;
}

export interface GivingRulesTable {
  workspace_id: string;
  id: string;
  kind: GivingRuleKind;
  name: string;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  config: JsonWithDefault;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface GiftsTable {
  workspace_id: string;
  id: string;
  rule_id: string;
  rule_kind: GivingRuleKind;
  customer_id: string;
  holding_id: string | null;
  subject_key: string;
  period: ColumnType<string, string | undefined, string>;
  title: string;
  status: GiftStatus;
  evidence: Json;
  action: Json;
  value_minor: ColumnType<number, number, number>;
  currency: string;
  message_id: string | null;
  run_id: string | null;
  offered_at: Timestamp;
  expires_at: Timestamp;
  decided_at: Timestamp | null;
}

export interface GiftEventsTable {
  workspace_id: string;
  gift_id: string;
  seq: Generated<number>;
  kind: GiftStatus;
  actor_kind: ActorKind;
  actor_id: string | null;
  note: string | null;
  occurred_at: Timestamp;
}

export interface GivingRunsTable {
  workspace_id: string;
  id: string;
  worker: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  chunks_done: ColumnType<number, number | undefined, number>;
  customers_scanned: ColumnType<number, number | undefined, number>;
  gifts_created: ColumnType<number, number | undefined, number>;
  gifts_expired: ColumnType<number, number | undefined, number>;
  by_rule: JsonWithDefault;
}

export interface GivingChunksTable {
  workspace_id: string;
  chunk: number;
  leased_by: string | null;
  lease_until: Timestamp | null;
  done_at: Timestamp | null;
}

export interface DB {
  loyalty_settings: LoyaltySettingsTable;
  loyalty_earning_rules: LoyaltyEarningRulesTable;
  loyalty_entries: LoyaltyEntriesTable;
  loyalty_tiers: LoyaltyTiersTable;
  loyalty_rewards: LoyaltyRewardsTable;
  loyalty_redemptions: LoyaltyRedemptionsTable;
  giving_rules: GivingRulesTable;
  gifts: GiftsTable;
  gift_events: GiftEventsTable;
  giving_runs: GivingRunsTable;
  giving_chunks: GivingChunksTable;
}
