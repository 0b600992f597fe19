import { sql } from 'kysely';
import { classify, kept, ofCustomer, personal, within } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';

// What customer service holds about a customer (src/customers/define-customer-data.ts): their
// interactions, cases with their history, and goodwill gestures.

/** Case event data kept on erasure: what SLA, effort and giving read. A note or complaint category goes. */
const CASE_EVENT_FACTS = [
  'target',
  'dueAt',
  'state',
  'priority',
  'channel',
  'agentId',
  'teamId',
  'slaPolicyId',
  'complaint',
  'pausedSeconds',
  'interactionId',
  'fromAgentId',
  'toAgentId',
  'fromTeamId',
  'toTeamId',
];

export const customerData = defineCustomerData({
  tables: [
    classify('service_teams', { rows: null, columns: kept('workspace_id', 'id', 'name', 'lead_user_id') }),
    classify('service_team_members', { rows: null, columns: kept('workspace_id', 'team_id', 'user_id') }),
    classify('service_jobs', { rows: null, columns: kept('workspace_id', 'id', 'code', 'name') }),
    classify('sla_policies', {
      rows: null,
      columns: kept('workspace_id', 'id', 'name', 'time_zone', 'working_hours', 'holidays', 'targets'),
    }),
    classify('cases', {
      rows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'id', 'customer_id', 'state', 'priority', 'channel', 'job_id', 'product_line_id', 'team_id'),
        ...kept('agent_user_id', 'sla_policy_id'),
        subject: personal('Erased'),
        complaint_category: personal(null),
      },
    }),
    classify('case_events', {
      rows: (s) =>
        sql<boolean>`case_id in (select id from cases where workspace_id = ${s.workspaceId} and ${within('customer_id', s.customerIds)})`,
      columns: {
        ...kept('workspace_id', 'id', 'case_id', 'kind', 'from_state', 'to_state', 'actor_kind', 'actor_id'),
        data: personal({ keepKeys: CASE_EVENT_FACTS }),
      },
    }),
    classify('interactions', {
      rows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'id', 'customer_id', 'channel', 'direction', 'agent_user_id', 'team_id', 'job_id', 'case_id'),
        ...kept('product_line_id', 'source', 'external_id'),
        outcome: personal(null),
        note: personal(null),
      },
    }),
    classify('goodwill_budgets', { rows: null, columns: kept('workspace_id', 'role', 'currency') }),
    classify('goodwill_gestures', {
      rows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'id', 'customer_id', 'case_id', 'kind', 'currency', 'status', 'requested_by_kind', 'requested_by_id'),
        ...kept('decided_by_user_id'),
        reason: personal('Erased'),
        decision_note: personal(null),
      },
    }),
  ],
  references: [
    customerColumn('interactions', 'customer_id'),
    customerColumn('cases', 'customer_id'),
    customerColumn('goodwill_gestures', 'customer_id'),
  ],
  timeline: [
    {
      kind: 'interaction',
      query: (_db, a) => sql`select 'interaction' as kind, i.id, i.started_at as occurred_at, i.direction as action,
          jsonb_build_object('channel', i.channel, 'endedAt', i.ended_at, 'agentId', i.agent_user_id, 'teamId', i.team_id,
            'jobId', i.job_id, 'jobName', j.name, 'caseId', i.case_id, 'outcome', i.outcome, 'note', i.note) as data
        from interactions i left join service_jobs j on j.workspace_id = i.workspace_id and j.id = i.job_id
        where i.workspace_id = ${a.workspaceId} and i.customer_id = ${a.customerId} ${pageBefore(a, sql`i.started_at`, sql`i.id`)}
        order by i.started_at desc, i.id desc limit ${a.limit}`,
    },
    {
      kind: 'case',
      query: (_db, a) => sql`select 'case' as kind, id, opened_at as occurred_at, state as action,
          jsonb_build_object('subject', subject, 'priority', priority, 'channel', channel, 'jobId', job_id,
            'complaint', is_complaint, 'resolvedAt', resolved_at, 'agentId', agent_user_id, 'teamId', team_id) as data
        from cases where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`opened_at`)}
        order by opened_at desc, id desc limit ${a.limit}`,
    },
    {
      kind: 'goodwill',
      query: (_db, a) => sql`select 'goodwill' as kind, id, requested_at as occurred_at, status as action,
          jsonb_build_object('kind', kind, 'amountMinor', amount_minor, 'currency', currency, 'reason', reason, 'caseId', case_id) as data
        from goodwill_gestures where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId} ${pageBefore(a, sql`requested_at`)}
        order by requested_at desc, id desc limit ${a.limit}`,
    },
  ],
});
