import type { Kysely } from 'kysely';
import { systemActor, type Actor } from '../auth/actor.js';
import { userProfilesQuery } from '../auth/users.js';
import type { FeedbackConfig } from '../config.js';
import type { DB } from '../db/schema.js';
import { customerNamesQuery } from '../customers/lookup.js';
import { AppError, notFound } from '../errors.js';
import { csatClass } from '../metrics/csat-ces.js';
import { isDetractor } from '../metrics/nps.js';
import { actOnCase, caseHeadlinesQuery, openCase, requireCaseRow } from '../service/cases.js';
import { CHANNELS } from '../service/tables.js';
import { firstTeamLeadOf, teamLead } from '../service/teams.js';
import { toIso, toIsoOrNull } from '../time.js';
import type { FormFields } from './answers.js';
import { inviteCustomer, type InviteConfig } from './invitations.js';
import { saveAnswers, type ResponseRow, type SaveResult, type SurveySession } from './responses.js';
import type { FollowUp, FollowUpResolveInput } from './schemas.js';

/** Why a response needs a person to follow up; empty when it does not. */
export function followUpReasons(response: Pick<ResponseRow, 'nps' | 'csat' | 'sentiment_score'>, negativeThreshold: number): string[] {
  const reasons: string[] = [];
  if (response.nps !== null && isDetractor(response.nps)) reasons.push('detractor');
  if (response.csat !== null && csatClass(response.csat) === 'dissatisfied') reasons.push('low_csat');
  if (response.sentiment_score !== null && Number(response.sentiment_score) <= negativeThreshold) reasons.push('negative_comment');
  return reasons;
}

/**
 * Who follows up: the lead of the team the answer is about; when that team has no lead (or
 * there is no team), the lead of the first team the handling agent is in; else nobody yet,
 * and the case waits unassigned in the inbox of everyone who can work cases.
 */
async function ownerOf(db: Kysely<DB>, response: ResponseRow): Promise<string | null> {
  const ws = response.workspace_id;
  const lead = response.team_id ? await teamLead(db, ws, response.team_id) : null;
  if (lead) return lead;
  return response.agent_user_id ? firstTeamLeadOf(db, ws, response.agent_user_id) : null;
}

/**
 * Opens the follow-up case for a response that calls for one, once: the response id is the
 * follow-up's key, so answering again (even worse) does not open a second case.
 */
export async function openFollowUpIfNeeded(
  db: Kysely<DB>,
  config: Pick<FeedbackConfig, 'negativeThreshold' | 'followUpHours'>,
  response: ResponseRow,
  now = new Date(),
): Promise<string | null> {
  const reasons = followUpReasons(response, config.negativeThreshold);
  if (!reasons.length) return null;
  const ws = response.workspace_id;
  const existing = await db
    .selectFrom('survey_followups')
    .select('case_id')
    .where('workspace_id', '=', ws)
    .where('response_id', '=', response.id)
    .executeTakeFirst();
  if (existing) return existing.case_id;
  const survey = await db
    .selectFrom('surveys')
    .select('name')
    .where('workspace_id', '=', ws)
    .where('id', '=', response.survey_id)
    .executeTakeFirstOrThrow();
  const owner = await ownerOf(db, response);
  const score = response.nps !== null ? `NPS ${response.nps}` : response.csat !== null ? `CSAT ${response.csat}` : 'negative comment';
  const channel = CHANNELS.find((c) => c === response.channel) ?? 'phone';
  const actor = systemActor(ws, 'feedback');
  // No job: a call back is its own work, and must not count as (say) another billing dispute in service metrics.
  const caseRow = await openCase(
    db,
    actor,
    {
      customerId: response.customer_id,
      subject: `Follow up: ${survey.name} (${score})`,
      channel,
      priority: 'high',
      teamId: response.team_id,
      agentId: owner,
      productLineId: response.product_line_id,
    },
    now,
  );
  await db
    .insertInto('survey_followups')
    .values({
      workspace_id: ws,
      response_id: response.id,
      case_id: caseRow.id,
      customer_id: response.customer_id,
      owner_user_id: owner,
      reasons,
      due_at: new Date(now.getTime() + config.followUpHours * 3_600_000),
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'response_id']).doNothing())
    .execute();
  return caseRow.id;
}

/**
 * Saves one page of a customer's answers and, once they are saved without problems, opens
 * the follow-up they call for; both in the caller's transaction.
 */
export async function answerSurveyPage(
  db: Kysely<DB>,
  config: Pick<FeedbackConfig, 'negativeThreshold' | 'followUpHours'>,
  session: SurveySession,
  page: number,
  fields: FormFields,
): Promise<SaveResult> {
  const saved = await saveAnswers(db, session, page, fields);
  if (saved.response && !Object.keys(saved.errors).length) await openFollowUpIfNeeded(db, config, saved.response);
  return saved;
}

/** Records what was done (as the case's resolution note) and asks the customer again. */
export async function resolveFollowUp(
  db: Kysely<DB>,
  actor: Actor,
  config: InviteConfig,
  caseId: string,
  input: FollowUpResolveInput,
  now = new Date(),
): Promise<FollowUp> {
  const ws = actor.workspaceId;
  const followUp = await db
    .selectFrom('survey_followups')
    .selectAll()
    .where('workspace_id', '=', ws)
    .where('case_id', '=', caseId)
    .forUpdate()
    .executeTakeFirst();
  if (!followUp) throw notFound('Follow-up', caseId);
  if (followUp.resolved_at)
    throw new AppError('conflict', 'This follow-up is already resolved', { resolvedAt: toIso(followUp.resolved_at) });
  const caseRow = await requireCaseRow(db, ws, caseId);
  if (caseRow.state !== 'resolved' && caseRow.state !== 'closed')
    await actOnCase(db, actor, caseId, 'resolve', { note: input.outcome }, now);
  let resurveyId: string | null = null;
  if (input.resurvey !== false) {
    const response = await db
      .selectFrom('survey_responses')
      .select(['customer_id', 'survey_id'])
      .where('workspace_id', '=', ws)
      .where('id', '=', followUp.response_id)
      .executeTakeFirstOrThrow();
    // The recovery check is a relationship-style question: the live relationship survey when there is one, else the same survey again.
    const relationship = await db
      .selectFrom('surveys')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('kind', '=', 'relationship')
      .where('status', '=', 'active')
      .orderBy('created_at')
      .executeTakeFirst();
    const survey =
      relationship ??
      (await db
        .selectFrom('surveys')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('id', '=', response.survey_id)
        .executeTakeFirstOrThrow());
    const invitation = await inviteCustomer(
      db,
      config,
      survey,
      response.customer_id,
      { key: `followup:${caseId}`, caseId, followUpCaseId: caseId },
      { now, ignoreContactFrequency: true },
    );
    resurveyId = invitation.id;
  }
  await db
    .updateTable('survey_followups')
    .set({ outcome: input.outcome, resolved_at: now, resurvey_invitation_id: resurveyId })
    .where('workspace_id', '=', ws)
    .where('case_id', '=', caseId)
    .execute();
  return getFollowUp(db, ws, caseId, now);
}

export async function getFollowUp(db: Kysely<DB>, workspaceId: string, caseId: string, now = new Date()): Promise<FollowUp> {
  const [found] = await listFollowUps(db, workspaceId, { state: 'all', caseId }, now);
  if (!found) throw notFound('Follow-up', caseId);
  return found;
}

/** The follow-up inbox: soonest due first, each with the score before and, once re-surveyed, after. */
export async function listFollowUps(
  db: Kysely<DB>,
  workspaceId: string,
  query: { state?: 'open' | 'resolved' | 'all'; ownerId?: string; caseId?: string },
  now = new Date(),
): Promise<FollowUp[]> {
  let q = db
    .selectFrom('survey_followups as f')
    .innerJoin('survey_responses as r', (j) => j.onRef('r.workspace_id', '=', 'f.workspace_id').onRef('r.id', '=', 'f.response_id'))
    .innerJoin('surveys as s', (j) => j.onRef('s.workspace_id', '=', 'r.workspace_id').onRef('s.id', '=', 'r.survey_id'))
    .innerJoin(caseHeadlinesQuery(db).as('c'), (j) => j.onRef('c.workspace_id', '=', 'f.workspace_id').onRef('c.id', '=', 'f.case_id'))
    .innerJoin(customerNamesQuery(db).as('cu'), (j) =>
      j.onRef('cu.workspace_id', '=', 'r.workspace_id').onRef('cu.id', '=', 'r.customer_id'),
    )
    .leftJoin(userProfilesQuery(db).as('u'), 'u.id', 'f.owner_user_id')
    .leftJoin('survey_invitations as i', (j) =>
      j.onRef('i.workspace_id', '=', 'f.workspace_id').onRef('i.id', '=', 'f.resurvey_invitation_id'),
    )
    .leftJoin('survey_responses as after', (j) =>
      j.onRef('after.workspace_id', '=', 'i.workspace_id').onRef('after.invitation_id', '=', 'i.id'),
    )
    .select([
      'f.case_id',
      'f.response_id',
      'f.owner_user_id',
      'f.reasons',
      'f.due_at',
      'f.outcome',
      'f.resolved_at',
      'f.created_at',
      'f.resurvey_invitation_id',
      'r.customer_id',
      'r.nps',
      'r.csat',
      'r.sentiment_score',
      'r.comment',
      's.name as survey_name',
      'c.subject',
      'c.state as case_state',
      'cu.display_name',
      'u.name as owner_name',
      'i.status as resurvey_status',
      'after.id as after_id',
      'after.nps as after_nps',
      'after.csat as after_csat',
      'after.sentiment_score as after_sentiment',
    ])
    .where('f.workspace_id', '=', workspaceId);
  if (query.state === 'open' || query.state === undefined) q = q.where('f.resolved_at', 'is', null);
  if (query.state === 'resolved') q = q.where('f.resolved_at', 'is not', null);
  if (query.ownerId) q = q.where('f.owner_user_id', '=', query.ownerId);
  if (query.caseId) q = q.where('f.case_id', '=', query.caseId);
  const rows = await q.orderBy('f.due_at').orderBy('f.case_id').limit(200).execute();
  return rows.map((row) => {
    const before = { nps: row.nps, csat: row.csat, sentimentScore: row.sentiment_score === null ? null : Number(row.sentiment_score) };
    const after = row.after_id
      ? { nps: row.after_nps, csat: row.after_csat, sentimentScore: row.after_sentiment === null ? null : Number(row.after_sentiment) }
      : null;
    return {
      caseId: row.case_id,
      responseId: row.response_id,
      customerId: row.customer_id,
      customerName: row.display_name,
      surveyName: row.survey_name,
      subject: row.subject,
      caseState: row.case_state,
      ownerId: row.owner_user_id,
      ownerName: row.owner_name,
      reasons: row.reasons,
      comment: row.comment,
      dueAt: toIso(row.due_at),
      overdue: !row.resolved_at && row.due_at.getTime() < now.getTime(),
      outcome: row.outcome,
      resolvedAt: toIsoOrNull(row.resolved_at),
      before,
      resurvey: row.resurvey_invitation_id
        ? { invitationId: row.resurvey_invitation_id, status: row.resurvey_status ?? 'sent', answered: Boolean(row.after_id), after }
        : null,
      recovered: after ? recoveredBetween(before, after) : null,
      createdAt: toIso(row.created_at),
    };
  });
}

/** Better after than before, on the same scale when both were asked (NPS, else CSAT, else sentiment). */
function recoveredBetween(before: FollowUp['before'], after: FollowUp['before']): boolean | null {
  if (after.nps !== null && before.nps !== null) return after.nps > before.nps;
  if (after.csat !== null && before.csat !== null) return after.csat > before.csat;
  if (after.nps !== null) return !isDetractor(after.nps);
  if (after.csat !== null) return csatClass(after.csat) !== 'dissatisfied';
  if (after.sentimentScore !== null && before.sentimentScore !== null) return after.sentimentScore > before.sentimentScore;
  return null;
}
