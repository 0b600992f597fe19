import type { Selectable } from 'kysely';
import type { CaseEventsTable, CasesTable, InteractionsTable } from './tables.js';
import { toIso, toIsoOrNull } from '../time.js';
import { effortOf } from './effort.js';
import type { Case, CaseEvent, Interaction } from './schemas.js';

export type InteractionRow = Selectable<InteractionsTable>;
export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;

export function toInteraction(row: InteractionRow): Interaction {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    direction: row.direction,
    agentId: row.agent_user_id,
    teamId: row.team_id,
    jobId: row.job_id,
    caseId: row.case_id,
    productLineId: row.product_line_id,
    startedAt: toIso(row.started_at),
    endedAt: toIsoOrNull(row.ended_at),
    outcome: row.outcome,
    note: row.note,
    source: row.source,
    externalId: row.external_id,
    createdAt: toIso(row.created_at),
  };
}

export function toCase(row: CaseRow): Case {
  return {
    id: row.id,
    customerId: row.customer_id,
    subject: row.subject,
    state: row.state,
    priority: row.priority,
    channel: row.channel,
    jobId: row.job_id,
    productLineId: row.product_line_id,
    teamId: row.team_id,
    agentId: row.agent_user_id,
    slaPolicyId: row.sla_policy_id,
    complaint: row.is_complaint,
    complaintCategory: row.complaint_category,
    openedAt: toIso(row.opened_at),
    firstResponseDueAt: toIsoOrNull(row.first_response_due_at),
    resolutionDueAt: toIsoOrNull(row.resolution_due_at),
    firstRespondedAt: toIsoOrNull(row.first_responded_at),
    resolvedAt: toIsoOrNull(row.resolved_at),
    closedAt: toIsoOrNull(row.closed_at),
    firstResponseSeconds: row.first_response_seconds,
    resolutionSeconds: row.resolution_seconds,
    firstResponseBreachedAt: toIsoOrNull(row.first_response_breached_at),
    resolutionBreachedAt: toIsoOrNull(row.resolution_breached_at),
    effort: effortOf(row),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function toCaseEvent(row: CaseEventRow): CaseEvent {
  return {
    id: row.id,
    kind: row.kind,
    fromState: row.from_state,
    toState: row.to_state,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    data: row.data,
    occurredAt: toIso(row.occurred_at),
  };
}
