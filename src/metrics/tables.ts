import type { ColumnType } from 'kysely';
import type { SurveyKind } from '../feedback/tables.js';

// Row types for the tables the metrics capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

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

export const ROLLUP_METRICS = ['response', 'resolution'] as const;
export type RollupMetric = (typeof ROLLUP_METRICS)[number];

export interface ServiceRollupBucketsTable {
  workspace_id: string;
  day: string;
  dimension: string;
  value: string;
  metric: RollupMetric;
  bucket: number;
  n: number;
}

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

/** The metrics capability's tables, composed into the database type in src/db/schema.ts. */
export interface MetricsTables {
  service_rollups: ServiceRollupsTable;
  service_rollup_buckets: ServiceRollupBucketsTable;
  feedback_rollups: FeedbackRollupsTable;
  feedback_theme_rollups: FeedbackThemeRollupsTable;
}
