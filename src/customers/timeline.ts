import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { decodeCursor, exactTime, nextCursor, olderThan, type Cursor } from '../db/cursor.js';
import { invalid } from '../errors.js';
import { toIso } from '../time.js';
import { requireCustomer } from './lookup.js';

/** One entry on a customer's timeline, whatever produced it. */
export interface TimelineEntry {
  kind: string;
  id: string;
  occurredAt: string;
  /** What happened within the kind: a transaction kind, an event type, granted/withdrawn… */
  action: string;
  data: JsonObject;
}

interface SourceArgs {
  workspaceId: string;
  customerId: string;
  before: Cursor | null;
  limit: number;
}

/**
 * A source of timeline entries: a query returning (kind, id, occurred_at, action, data)
 * for one customer, newest first. Each capability adds its own source here, and the
 * timeline reads them all in one statement.
 */
export interface TimelineSource {
  kind: string;
  query(args: SourceArgs): RawBuilder<unknown>;
}

function page(column: RawBuilder<unknown>, args: SourceArgs, id: RawBuilder<unknown> = sql`id`): RawBuilder<unknown> {
  return args.before ? sql`and ${olderThan(column, id, args.before)}` : sql``;
}

export const TIMELINE_SOURCES: TimelineSource[] = [
  {
    kind: 'transaction',
    query: (a) => sql`select 'transaction' as kind, id, occurred_at, kind as action,
        jsonb_build_object('amountMinor', amount_minor, 'currency', currency, 'description', description, 'holdingId', holding_id) as data
      from transactions where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'event',
    query: (a) => sql`select 'event' as kind, id, occurred_at, type as action,
        jsonb_build_object('name', name, 'properties', properties, 'source', source) as data
      from customer_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'consent',
    query: (a) => sql`select 'consent' as kind, id, recorded_at as occurred_at, status as action,
        jsonb_build_object('purpose', purpose, 'channel', channel, 'source', source) as data
      from consent_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`recorded_at`, a)}
      order by recorded_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'holding',
    query: (a) => sql`select 'holding' as kind, h.id, h.started_at as occurred_at, 'started' as action,
        jsonb_build_object('productId', h.product_id, 'productName', p.name, 'planId', h.plan_id, 'status', h.status,
          'priceMinor', h.price_minor, 'currency', h.currency, 'channel', h.acquisition_channel) as data
      from holdings h join products p on p.workspace_id = h.workspace_id and p.id = h.product_id
      where h.workspace_id = ${a.workspaceId} and h.customer_id = ${a.customerId}
        ${page(sql`h.started_at`, a, sql`h.id`)}
      order by h.started_at desc, h.id desc limit ${a.limit}`,
  },
  {
    kind: 'merge',
    query: (a) => sql`select 'merge' as kind, id, occurred_at, reason as action, jsonb_build_object('mergedId', merged_id) as data
      from customer_merges where workspace_id = ${a.workspaceId} and survivor_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
  {
    kind: 'interaction',
    query: (a) => sql`select 'interaction' as kind, i.id, i.started_at as occurred_at, i.direction as action,
        jsonb_build_object('channel', i.channel, 'endedAt', i.ended_at, 'agentId', i.agent_user_id, 'teamId', i.team_id,
          'jobId', i.job_id, 'jobName', j.name, 'caseId', i.case_id, 'outcome', i.outcome, 'note', i.note) as data
      from interactions i left join service_jobs j on j.workspace_id = i.workspace_id and j.id = i.job_id
      where i.workspace_id = ${a.workspaceId} and i.customer_id = ${a.customerId} ${page(sql`i.started_at`, a, sql`i.id`)}
      order by i.started_at desc, i.id desc limit ${a.limit}`,
  },
  {
    kind: 'case',
    query: (a) => sql`select 'case' as kind, id, opened_at as occurred_at, state as action,
        jsonb_build_object('subject', subject, 'priority', priority, 'channel', channel, 'jobId', job_id,
          'complaint', is_complaint, 'resolvedAt', resolved_at, 'agentId', agent_user_id, 'teamId', team_id) as data
      from cases where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`opened_at`, a)}
      order by opened_at desc, id desc limit ${a.limit}`,
  },
  {
    // Messages sent, and unsubscribes from them; receipts and replies are interactions (src/messages/inbound.ts).
    // A subject that shows a value withheld from staff (a survey link: src/messages/withheld.ts) is left out.
    kind: 'message',
    query: (a) => sql`(select 'message' as kind, id, created_at as occurred_at, status as action,
        jsonb_build_object('purpose', purpose, 'channel', channel, 'templateKey', template_key, 'subject',
          case when jsonb_typeof(payload->'_withheld') = 'array' and exists (select 1 from jsonb_array_elements_text(payload->'_withheld') k
            where payload->>k.value <> '' and position(payload->>k.value in subject) > 0) then null else subject end,
          'reason', reason, 'sentAt', sent_at, 'deliveredAt', delivered_at) as data
      from messages where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`created_at`, a)}
      order by created_at desc, id desc limit ${a.limit})
      union all
      (select 'message' as kind, id, occurred_at, kind as action, jsonb_build_object('messageId', message_id) || detail as data
      from message_events where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId}
        and kind = 'unsubscribed' ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit})`,
  },
  {
    kind: 'goodwill',
    query: (a) => sql`select 'goodwill' as kind, id, requested_at as occurred_at, status as action,
        jsonb_build_object('kind', kind, 'amountMinor', amount_minor, 'currency', currency, 'reason', reason, 'caseId', case_id) as data
      from goodwill_gestures where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`requested_at`, a)}
      order by requested_at desc, id desc limit ${a.limit}`,
  },
  {
    // Survey invitations that went out or were held back (skipped ones never reached the customer).
    kind: 'survey_invitation',
    query: (a) => sql`select 'survey_invitation' as kind, i.id, i.created_at as occurred_at, i.status as action,
        jsonb_build_object('surveyId', i.survey_id, 'surveyName', s.name, 'reason', i.reason, 'interactionId', i.interaction_id,
          'caseId', i.case_id, 'followUpCaseId', i.followup_case_id, 'messageId', i.message_id, 'openedAt', i.opened_at) as data
      from survey_invitations i join surveys s on s.workspace_id = i.workspace_id and s.id = i.survey_id
      where i.workspace_id = ${a.workspaceId} and i.customer_id = ${a.customerId} and i.status <> 'skipped'
        ${page(sql`i.created_at`, a, sql`i.id`)}
      order by i.created_at desc, i.id desc limit ${a.limit}`,
  },
  {
    kind: 'survey_response',
    query: (a) => sql`select 'survey_response' as kind, r.id, r.answered_at as occurred_at, r.status as action,
        jsonb_build_object('surveyId', r.survey_id, 'surveyName', s.name, 'nps', r.nps, 'csat', r.csat, 'ces', r.ces,
          'feelings', r.feelings, 'comment', r.comment, 'sentimentLabel', r.sentiment_label, 'themes', r.themes,
          'interactionId', r.interaction_id, 'caseId', r.case_id) as data
      from survey_responses r join surveys s on s.workspace_id = r.workspace_id and s.id = r.survey_id
      where r.workspace_id = ${a.workspaceId} and r.customer_id = ${a.customerId} ${page(sql`r.answered_at`, a, sql`r.id`)}
      order by r.answered_at desc, r.id desc limit ${a.limit}`,
  },
  {
    // One entry per follow-up, at when it opened; its action says whether it is resolved yet.
    kind: 'follow_up',
    query: (a) => sql`select 'follow_up' as kind, case_id as id, created_at as occurred_at,
        case when resolved_at is null then 'open' else 'resolved' end as action,
        jsonb_build_object('caseId', case_id, 'responseId', response_id, 'reasons', reasons, 'dueAt', due_at,
          'outcome', outcome, 'resolvedAt', resolved_at) as data
      from survey_followups where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId}
        ${page(sql`created_at`, a, sql`case_id`)}
      order by created_at desc, case_id desc limit ${a.limit}`,
  },
  {
    kind: 'points',
    query: (a) => sql`select 'points' as kind, id, occurred_at, kind as action,
        jsonb_build_object('points', points, 'reason', reason, 'expiresAt', expires_at) as data
      from loyalty_entries where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`occurred_at`, a)}
      order by occurred_at desc, id desc limit ${a.limit}`,
  },
  {
    // Gifts appear when offered; their state (accepted, declined, expired) is the action.
    kind: 'gift',
    query: (a) => sql`select 'gift' as kind, id, offered_at as occurred_at, status as action,
        jsonb_build_object('ruleKind', rule_kind, 'title', title, 'valueMinor', value_minor, 'currency', currency, 'decidedAt', decided_at) as data
      from gifts where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${page(sql`offered_at`, a)}
      order by offered_at desc, id desc limit ${a.limit}`,
  },
];

/** Everything that happened to a customer across sources, newest first, filterable by kind, paged by cursor. */
export async function listTimeline(
  db: Kysely<DB>,
  options: { workspaceId: string; customerId: string; kinds?: string[] | undefined; before?: string | undefined; limit: number },
): Promise<{ data: TimelineEntry[]; nextCursor: string | null }> {
  await requireCustomer(db, options.workspaceId, options.customerId);
  // `kinds` may repeat the parameter or separate kinds with commas.
  const kinds = (options.kinds ?? [])
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  const unknown = kinds.filter((kind) => !TIMELINE_SOURCES.some((s) => s.kind === kind));
  if (unknown.length)
    throw invalid('/kinds', `unknown kind ${unknown.join(', ')}; known: ${TIMELINE_SOURCES.map((s) => s.kind).join(', ')}`);
  const sources = TIMELINE_SOURCES.filter((s) => kinds.length === 0 || kinds.includes(s.kind));
  const args: SourceArgs = {
    workspaceId: options.workspaceId,
    customerId: options.customerId,
    before: options.before ? decodeCursor(options.before, '/before') : null,
    // One more than a page, so a timeline that ends exactly on a page boundary says it has ended.
    limit: options.limit + 1,
  };
  const union = sql.join(
    sources.map((s) => sql`(${s.query(args)})`),
    sql` union all `,
  );
  const result = await sql<{ kind: string; id: string; occurred_at: Date; cursor_at: string; action: string; data: JsonObject }>`
    select *, ${exactTime(sql`occurred_at`)} as cursor_at from (${union}) entries
    order by occurred_at desc, id desc limit ${args.limit}`.execute(db);
  const rows = result.rows.slice(0, options.limit);
  return {
    data: rows.map((row) => ({
      kind: row.kind,
      id: row.id,
      occurredAt: toIso(row.occurred_at),
      action: row.action,
      data: row.data,
    })),
    nextCursor:
      result.rows.length > options.limit
        ? nextCursor(
            rows.map((row) => ({ id: row.id, cursorAt: row.cursor_at })),
            options.limit,
          )
        : null,
  };
}
