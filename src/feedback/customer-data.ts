import { sql } from 'kysely';
import { classify, credential, kept, ofCustomer, personal } from '../customers/data-classification.js';
import { customerColumn, defineCustomerData } from '../customers/define-customer-data.js';
import { pageBefore } from '../customers/timeline-source.js';

// What feedback holds about a customer (src/customers/define-customer-data.ts): the surveys
// they were invited to, their answers, and the follow-ups their answers opened.
export const customerData = defineCustomerData({
  tables: [
    classify('surveys', { rows: null, columns: kept('workspace_id', 'id', 'name', 'kind', 'status', 'definition', 'trigger') }),
    classify('survey_invitations', {
      rows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'id', 'survey_id', 'customer_id', 'subject_key', 'interaction_id', 'case_id', 'followup_case_id'),
        ...kept('status', 'reason', 'message_id'),
        nonce: credential(),
      },
    }),
    classify('survey_responses', {
      rows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'id', 'survey_id', 'survey_kind', 'customer_id', 'language', 'interaction_id', 'case_id'),
        ...kept('agent_user_id', 'team_id', 'channel', 'job_id', 'product_line_id', 'sentiment_label', 'status', 'invitation_id'),
        // the workspace's own segment names, a reporting dimension the rollups count by; feelings are a closed list
        ...kept('segment', 'feelings'),
        comment: personal(null),
        answers: personal('{}'),
        // themes are phrases taken from the comment, and may name people or places
        themes: personal([]),
      },
    }),
    classify('survey_followups', {
      rows: ofCustomer,
      columns: {
        ...kept('workspace_id', 'response_id', 'case_id', 'customer_id', 'owner_user_id', 'reasons', 'resurvey_invitation_id'),
        outcome: personal(null),
      },
    }),
    classify('feedback_server_secrets', { rows: null, columns: { ...kept('name'), value: credential() } }),
  ],
  references: [
    customerColumn('survey_responses', 'customer_id'),
    customerColumn('survey_invitations', 'customer_id'),
    customerColumn('survey_followups', 'customer_id'),
  ],
  timeline: [
    {
      // Survey invitations that went out or were held back (skipped ones never reached the customer).
      kind: 'survey_invitation',
      query: (_db, a) => sql`select 'survey_invitation' as kind, i.id, i.created_at as occurred_at, i.status as action,
          jsonb_build_object('surveyId', i.survey_id, 'surveyName', s.name, 'reason', i.reason, 'interactionId', i.interaction_id,
            'caseId', i.case_id, 'followUpCaseId', i.followup_case_id, 'messageId', i.message_id, 'openedAt', i.opened_at) as data
        from survey_invitations i join surveys s on s.workspace_id = i.workspace_id and s.id = i.survey_id
        where i.workspace_id = ${a.workspaceId} and i.customer_id = ${a.customerId} and i.status <> 'skipped'
          ${pageBefore(a, sql`i.created_at`, sql`i.id`)}
        order by i.created_at desc, i.id desc limit ${a.limit}`,
    },
    {
      kind: 'survey_response',
      query: (_db, a) => sql`select 'survey_response' as kind, r.id, r.answered_at as occurred_at, r.status as action,
          jsonb_build_object('surveyId', r.survey_id, 'surveyName', s.name, 'nps', r.nps, 'csat', r.csat, 'ces', r.ces,
            'feelings', r.feelings, 'comment', r.comment, 'sentimentLabel', r.sentiment_label, 'themes', r.themes,
            'interactionId', r.interaction_id, 'caseId', r.case_id) as data
        from survey_responses r join surveys s on s.workspace_id = r.workspace_id and s.id = r.survey_id
        where r.workspace_id = ${a.workspaceId} and r.customer_id = ${a.customerId} ${pageBefore(a, sql`r.answered_at`, sql`r.id`)}
        order by r.answered_at desc, r.id desc limit ${a.limit}`,
    },
    {
      // One entry per follow-up, at when it opened; its action says whether it is resolved yet.
      kind: 'follow_up',
      query: (_db, a) => sql`select 'follow_up' as kind, case_id as id, created_at as occurred_at,
          case when resolved_at is null then 'open' else 'resolved' end as action,
          jsonb_build_object('caseId', case_id, 'responseId', response_id, 'reasons', reasons, 'dueAt', due_at,
            'outcome', outcome, 'resolvedAt', resolved_at) as data
        from survey_followups where workspace_id = ${a.workspaceId} and customer_id = ${a.customerId}
          ${pageBefore(a, sql`created_at`, sql`case_id`)}
        order by created_at desc, case_id desc limit ${a.limit}`,
    },
  ],
});
