import { sql, type Kysely, type Selectable } from 'kysely';
import { findCustomerRow } from '../customers/lookup.js';
import type { CustomerRow } from '../customers/tables.js';
import { decodeCursor, exactTime, nextCursor, olderThan } from '../db/cursor.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import type { SurveyResponsesTable } from './tables.js';
import { systemActor } from '../auth/actor.js';
import { newId } from '../ids.js';
import { findCaseRow } from '../service/cases.js';
import { findInteractionRow } from '../service/interactions.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { getWorkspace } from '../workspaces/service.js';
import { analyseComment } from './analytics.js';
import { suppliedContactPoint } from './credit.js';
import { mergeAnswers, readPageAnswers, standardScores, type FormFields } from './answers.js';
import { pickLanguage, questionsOnPage, usedPageCount } from './definition.js';
import type { InvitationRow } from './invitations.js';
import { linkSecret, parseLinkToken, signatureMatches } from './links.js';
import type { Definition, SurveyResponse } from './schemas.js';
import type { SurveyRow } from './surveys.js';

export type ResponseRow = Selectable<SurveyResponsesTable>;

export function toResponse(row: ResponseRow): SurveyResponse {
  return {
    id: row.id,
    surveyId: row.survey_id,
    surveyKind: row.survey_kind,
    invitationId: row.invitation_id,
    customerId: row.customer_id,
    language: row.language,
    interactionId: row.interaction_id,
    caseId: row.case_id,
    agentId: row.agent_user_id,
    teamId: row.team_id,
    channel: row.channel,
    jobId: row.job_id,
    productLineId: row.product_line_id,
    segment: row.segment,
    nps: row.nps,
    csat: row.csat,
    ces: row.ces,
    feelings: row.feelings,
    feelingsAsked: row.feelings_asked,
    comment: row.comment,
    sentimentScore: row.sentiment_score === null ? null : Number(row.sentiment_score),
    sentimentLabel: row.sentiment_label,
    themes: row.themes,
    answers: row.answers,
    status: row.status,
    startedAt: toIso(row.started_at),
    answeredAt: toIso(row.answered_at),
  };
}

/** Why a link does not open a survey: each gets its own page, never a server error. */
export type LinkProblem = 'invalid' | 'expired' | 'closed';
export class SurveyLinkError extends Error {
  constructor(readonly problem: LinkProblem) {
    super(`survey link ${problem}`);
  }
}

/** Everything the survey page needs, once the link checks out. */
export interface SurveySession {
  invitation: InvitationRow;
  survey: SurveyRow;
  definition: Definition;
  customer: CustomerRow;
  companyName: string;
  language: string;
  response: ResponseRow | undefined;
}

/**
 * Opens a survey from its link: the signature must match the invitation's nonce in the
 * workspace the link names, and the link must not have expired. Any mismatch is `invalid`,
 * without saying which part failed.
 */
export async function openSurveyLink(
  db: Kysely<DB>,
  configuredSecret: string | undefined,
  token: string,
  now = new Date(),
): Promise<SurveySession> {
  const parsed = parseLinkToken(token);
  if (!parsed) throw new SurveyLinkError('invalid');
  const invitation = await db
    .selectFrom('survey_invitations')
    .selectAll()
    .where('workspace_id', '=', parsed.workspaceId)
    .where('id', '=', parsed.invitationId)
    .executeTakeFirst();
  const secret = await linkSecret(db, configuredSecret);
  if (!invitation || invitation.status === 'skipped' || !signatureMatches(secret, parsed, invitation.nonce))
    throw new SurveyLinkError('invalid');
  if (Math.floor(invitation.expires_at.getTime() / 1000) !== Math.floor(parsed.expiresAt.getTime() / 1000))
    throw new SurveyLinkError('invalid');
  if (now >= invitation.expires_at) throw new SurveyLinkError('expired');
  const ws = invitation.workspace_id;
  const [survey, customer, workspace, response] = await Promise.all([
    db.selectFrom('surveys').selectAll().where('workspace_id', '=', ws).where('id', '=', invitation.survey_id).executeTakeFirstOrThrow(),
    findCustomerRow(db, ws, invitation.customer_id),
    getWorkspace(db, ws),
    db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('invitation_id', '=', invitation.id)
      .executeTakeFirst(),
  ]);
  if (!customer) throw new SurveyLinkError('invalid');
  if (survey.status === 'archived' || customer.erased_at) throw new SurveyLinkError('closed');
  const definition = survey.definition as unknown as Definition;
  return {
    invitation,
    survey,
    definition,
    customer,
    companyName: workspace.name,
    language: response?.language ?? pickLanguage(definition, customer.language),
    response,
  };
}

export async function markOpened(db: Kysely<DB>, invitation: InvitationRow, now = new Date()): Promise<void> {
  if (invitation.opened_at) return;
  await db
    .updateTable('survey_invitations')
    .set({ opened_at: now })
    .where('workspace_id', '=', invitation.workspace_id)
    .where('id', '=', invitation.id)
    .where('opened_at', 'is', null)
    .execute();
}

/** What a response is about, copied from its interaction or case when it is first saved. */
async function subjectOf(db: Kysely<DB>, invitation: InvitationRow) {
  const ws = invitation.workspace_id;
  if (invitation.interaction_id) {
    const i = await findInteractionRow(db, ws, invitation.interaction_id);
    if (i)
      return {
        interaction_id: i.id,
        case_id: i.case_id,
        agent_user_id: i.agent_user_id,
        team_id: i.team_id,
        channel: i.channel,
        job_id: i.job_id,
        product_line_id: i.product_line_id,
      };
  }
  if (invitation.case_id) {
    const c = await findCaseRow(db, ws, invitation.case_id);
    if (c)
      return {
        interaction_id: null,
        case_id: c.id,
        agent_user_id: c.agent_user_id,
        team_id: c.team_id,
        channel: c.channel,
        job_id: c.job_id,
        product_line_id: c.product_line_id,
      };
  }
  return { interaction_id: null, case_id: null, agent_user_id: null, team_id: null, channel: null, job_id: null, product_line_id: null };
}

/**
 * What a response is about, and the agent it is credited to: none when the handling agent
 * supplied one of the customer's contact points (src/feedback/credit.ts).
 */
async function linking(db: Kysely<DB>, invitation: InvitationRow) {
  const subject = await subjectOf(db, invitation);
  const agent = subject.agent_user_id;
  if (agent && (await suppliedContactPoint(db, invitation.workspace_id, invitation.customer_id, agent)))
    return { columns: { ...subject, agent_user_id: null }, uncredited: agent };
  return { columns: subject, uncredited: null };
}

export interface SaveResult {
  response: ResponseRow | undefined;
  /** Problems by question id; nothing was saved when there are any. */
  errors: Record<string, string>;
}

/**
 * Saves one page of answers: the first save creates the response (one per invitation, so
 * answering again updates it), later ones merge into it. The standard scores, the comment's
 * sentiment and themes, `answered_at` and `status` follow the answers.
 */
export async function saveAnswers(
  db: Kysely<DB>,
  session: SurveySession,
  page: number,
  fields: FormFields,
  now = new Date(),
): Promise<SaveResult> {
  const { definition, invitation, language } = session;
  const { answers: pageAnswers, errors } = readPageAnswers(questionsOnPage(definition, page), fields, language, definition);
  if (Object.keys(errors).length) return { response: session.response, errors };
  const ws = invitation.workspace_id;
  // Two tabs posting at once must not lose a page: the response row is read under a lock.
  await sql`select pg_advisory_xact_lock(hashtext(${`survey-response:${ws}:${invitation.id}`}))`.execute(db);
  const before = await db
    .selectFrom('survey_responses')
    .selectAll()
    .where('workspace_id', '=', ws)
    .where('invitation_id', '=', invitation.id)
    .executeTakeFirst();
  const answers = mergeAnswers((before?.answers as JsonObject | undefined) ?? {}, pageAnswers);
  const scores = standardScores(definition, answers);
  const analysis = scores.comment === before?.comment && before ? null : await analyseComment(scores.comment);
  const text =
    scores.comment === null
      ? { sentiment_score: null, sentiment_label: null, themes: [] }
      : analysis
        ? { sentiment_score: analysis.sentimentScore, sentiment_label: analysis.sentimentLabel, themes: analysis.themes }
        : {
            sentiment_score: before?.sentiment_score ?? null,
            sentiment_label: before?.sentiment_label ?? null,
            themes: before?.themes ?? [],
          };
  const complete = before?.status === 'complete' || page >= usedPageCount(definition);
  const values = {
    ...scores,
    ...text,
    answers: JSON.stringify(answers),
    status: complete ? ('complete' as const) : ('partial' as const),
    answered_at: now,
    updated_at: now,
  };
  if (before) {
    const response = await db
      .updateTable('survey_responses')
      .set(values)
      .where('workspace_id', '=', ws)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { response, errors };
  }
  const segment = session.customer.traits.segment;
  const link = await linking(db, invitation);
  const response = await db
    .insertInto('survey_responses')
    .values({
      workspace_id: ws,
      id: newId('rsp', now.getTime()),
      survey_id: session.survey.id,
      survey_kind: session.survey.kind,
      invitation_id: invitation.id,
      customer_id: invitation.customer_id,
      language,
      ...link.columns,
      segment: typeof segment === 'string' ? segment : null,
      ...values,
      started_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (link.uncredited) {
    await recordAudit(db, systemActor(ws, 'feedback'), {
      action: 'survey_response.agent_not_credited',
      entityType: 'survey_response',
      entityId: response.id,
      changes: { agentId: link.uncredited, interactionId: response.interaction_id, reason: 'agent_supplied_contact_point' },
    });
  }
  return { response, errors };
}

/**
 * A workspace's survey responses as a subquery other capabilities compose (`.as('r')`): who
 * answered, how far, the NPS score, the case it was about, the comment and when. Giving finds
 * detractors in it; loyalty gives points for complete answers.
 */
export function responsesQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('survey_responses')
    .select(['id', 'customer_id', 'status', 'nps', 'case_id', 'comment', 'answered_at'])
    .where('workspace_id', '=', workspaceId);
}

/** Responses, latest answered first, by survey and customer, paged by cursor (`before` is the previous page's `nextCursor`). */
export async function listResponses(
  db: Kysely<DB>,
  workspaceId: string,
  query: { surveyId?: string | undefined; customerId?: string | undefined; before?: string | undefined; limit?: number | undefined },
): Promise<{ data: SurveyResponse[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const before = query.before ? decodeCursor(query.before, '/before') : null;
  let q = db
    .selectFrom('survey_responses')
    .selectAll()
    .select(exactTime(sql`answered_at`).as('cursor_at'))
    .where('workspace_id', '=', workspaceId);
  if (query.surveyId) q = q.where('survey_id', '=', query.surveyId);
  if (query.customerId) q = q.where('customer_id', '=', query.customerId);
  if (before) q = q.where(olderThan(sql`answered_at`, sql`id`, before));
  const rows = await q.orderBy('answered_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return {
    data: rows.map(toResponse),
    nextCursor: nextCursor(
      rows.map((r) => ({ id: r.id, cursorAt: r.cursor_at })),
      limit,
    ),
  };
}
