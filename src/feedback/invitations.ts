import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { FeedbackConfig } from '../config.js';
import { listIdentities } from '../customers/identities.js';
import { resolveCustomer } from '../customers/lookup.js';
import type { DB } from '../db/schema.js';
import type { SurveyInvitationsTable } from './tables.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { enqueueMessage } from '../messages/enqueue.js';
import { createTemplate, hasTemplate } from '../messages/templates.js';
import { findCaseRow } from '../service/cases.js';
import { findInteractionRow } from '../service/interactions.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { getWorkspace, hasMemberWithEmail } from '../workspaces/service.js';
import { linkSecret, newNonce, signLinkToken, surveyLink } from './links.js';
import type { Invitation, InvitationInput, RevealedLink } from './schemas.js';
import { requireSurvey, type SurveyRow } from './surveys.js';

export type InvitationRow = Selectable<SurveyInvitationsTable>;

/** What the invitation code needs from the configuration. */
export interface InviteConfig {
  publicUrl: string;
  feedback: Pick<FeedbackConfig, 'surveySecret' | 'linkDays' | 'contactDays'>;
}

export const INVITE_TEMPLATE = 'survey_invite';

export interface Subject {
  /** Unique per survey: `int:<id>`, `case:<id>`, `period:<n>`, `followup:<case>`, `manual:<…>`. */
  key: string;
  interactionId?: string | null;
  caseId?: string | null;
  followUpCaseId?: string | null;
}

export interface InviteOptions {
  now?: Date;
  /** Apply the survey's sampling rate (the sweep does; a person inviting on purpose does not). */
  sample?: boolean;
  /** Skip the contact-frequency rule: a re-survey after recovery is asked for by the loop itself. */
  ignoreContactFrequency?: boolean;
}

/** Deterministic per subject: the same survey and subject always fall on the same side of the rate. */
export function sampled(surveyId: string, subjectKey: string, rate: number): boolean {
  if (rate >= 1) return true;
  const hash = createHash('sha256').update(`${surveyId}:${subjectKey}`).digest();
  return hash.readUInt32BE(0) / 0x1_0000_0000 < rate;
}

export async function linkOf(db: Kysely<DB>, config: InviteConfig, row: InvitationRow): Promise<string> {
  const secret = await linkSecret(db, config.feedback.surveySecret);
  return surveyLink(
    config.publicUrl,
    signLinkToken(secret, { workspaceId: row.workspace_id, invitationId: row.id, nonce: row.nonce, expiresAt: row.expires_at }),
  );
}

/** An invitation as staff see it: never with its link, which only the customer may hold. */
export function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    surveyId: row.survey_id,
    customerId: row.customer_id,
    interactionId: row.interaction_id,
    caseId: row.case_id,
    followUpCaseId: row.followup_case_id,
    status: row.status,
    reason: row.reason,
    messageId: row.message_id,
    expiresAt: toIso(row.expires_at),
    createdAt: toIso(row.created_at),
  };
}

/** A workspace without its own invitation text gets a plain English one, so surveys work out of the box. */
async function ensureInviteTemplate(db: Kysely<DB>, workspaceId: string): Promise<void> {
  if (await hasTemplate(db, workspaceId, INVITE_TEMPLATE)) return;
  await createTemplate(db, workspaceId, {
    key: INVITE_TEMPLATE,
    purpose: 'survey',
    language: 'en',
    subject: 'How did we do?',
    body: 'Hello {{ customer.first_name | default: "there" }},\n\nWould you tell us how it went? It takes a minute: {{ data.link }}\n\n{{ workspace.name }}',
  });
}

/**
 * Whether one of the customer's email addresses is that of a member of the workspace: staff
 * do not answer surveys about their own work, so such a customer is not invited.
 */
async function reachesStaff(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<boolean> {
  const emails = (await listIdentities(db, workspaceId, customerId, ['email'])).map((identity) => identity.value);
  return hasMemberWithEmail(db, workspaceId, emails);
}

/** Whether the customer had a survey invitation in the last `days` days, from any survey. */
async function recentlyInvited(db: Kysely<DB>, workspaceId: string, customerId: string, days: number, now: Date): Promise<boolean> {
  if (days <= 0) return false;
  const row = await db
    .selectFrom('survey_invitations')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('status', '=', 'sent')
    .where('created_at', '>', new Date(now.getTime() - days * 86_400_000))
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * Invites a customer to a survey about one subject, in the caller's transaction. The same
 * survey and subject give back the first invitation. Sampling and the contact-frequency rule
 * may leave the subject out (kept as `skipped`, with the reason); the message itself goes
 * through the outbox, which applies survey consent, the preferred channel, contact caps and
 * quiet hours, and may store it `suppressed`.
 */
export async function inviteCustomer(
  db: Kysely<DB>,
  config: InviteConfig,
  survey: SurveyRow,
  customerId: string,
  subject: Subject,
  options: InviteOptions = {},
): Promise<InvitationRow> {
  const now = options.now ?? new Date();
  const ws = survey.workspace_id;
  const customer = await resolveCustomer(db, ws, customerId);
  // Two sweeps or a sweep and a person: one invitation per customer at a time, so the
  // frequency rule holds under concurrency.
  await sql`select pg_advisory_xact_lock(hashtext(${`survey-invite:${ws}:${customer.id}`}))`.execute(db);
  const existing = await db
    .selectFrom('survey_invitations')
    .selectAll()
    .where('workspace_id', '=', ws)
    .where('survey_id', '=', survey.id)
    .where('subject_key', '=', subject.key)
    .executeTakeFirst();
  if (existing) return existing;

  let skip: string | null = null;
  if (options.sample && !sampled(survey.id, subject.key, Number(survey.sampling_rate))) skip = 'sampled_out';
  else if (await reachesStaff(db, ws, customer.id)) skip = 'staff_contact';
  else if (!options.ignoreContactFrequency && (await recentlyInvited(db, ws, customer.id, config.feedback.contactDays, now))) {
    skip = 'contact_frequency';
  }
  const expiresAt = new Date(Math.floor(now.getTime() / 1000 + config.feedback.linkDays * 86_400) * 1000);
  const row = await db
    .insertInto('survey_invitations')
    .values({
      workspace_id: ws,
      id: newId('inv', now.getTime()),
      survey_id: survey.id,
      customer_id: customer.id,
      subject_key: subject.key,
      interaction_id: subject.interactionId ?? null,
      case_id: subject.caseId ?? null,
      followup_case_id: subject.followUpCaseId ?? null,
      status: skip ? 'skipped' : 'sent',
      reason: skip,
      nonce: newNonce(),
      expires_at: expiresAt,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (skip) return row;

  await ensureInviteTemplate(db, ws);
  const workspace = await getWorkspace(db, ws);
  const message = await enqueueMessage(
    db,
    ws,
    {
      customerId: customer.id,
      purpose: 'survey',
      templateKey: INVITE_TEMPLATE,
      data: { link: await linkOf(db, config, row), survey: survey.name, company: workspace.name },
      idempotencyKey: `survey:${row.id}`,
    },
    // The link is the customer's credential to answer: it goes out in the message and
    // nowhere else (an admin may reveal it, audited, with revealInvitationLink).
    { now, withhold: ['link'] },
  );
  const status = message.status === 'suppressed' ? 'suppressed' : 'sent';
  return db
    .updateTable('survey_invitations')
    .set({ message_id: message.id, status, reason: status === 'suppressed' ? message.reason : null })
    .where('workspace_id', '=', ws)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Invites one customer to a survey now, as a person asks (sampling does not apply; consent
 * and the contact-frequency rule do), about an interaction, a case, or nothing in particular.
 */
export async function inviteToSurvey(
  db: Kysely<DB>,
  config: InviteConfig,
  workspaceId: string,
  surveyId: string,
  input: InvitationInput,
): Promise<Invitation> {
  const survey = await requireSurvey(db, workspaceId, surveyId);
  if (survey.status === 'archived') throw new AppError('conflict', 'An archived survey sends no invitations');
  const { customerId, interactionId, caseId } = input;
  const key = interactionId ? `int:${interactionId}` : caseId ? `case:${caseId}` : `manual:${customerId}:${Date.now()}`;
  return toInvitation(await inviteCustomer(db, config, survey, customerId, { key, interactionId, caseId }));
}

/** The agent of the interaction or case an invitation is about, if any. */
async function handledBy(db: Kysely<DB>, row: InvitationRow): Promise<string | null> {
  const ws = row.workspace_id;
  const [interaction, kase] = await Promise.all([
    row.interaction_id ? findInteractionRow(db, ws, row.interaction_id) : undefined,
    row.case_id ? findCaseRow(db, ws, row.case_id) : undefined,
  ]);
  return interaction?.agent_user_id ?? kase?.agent_user_id ?? null;
}

/**
 * The link of an invitation that went out, for an admin to pass on by hand (say, when the
 * message bounced and the customer calls). Each reveal is recorded in the audit log.
 */
export async function revealInvitationLink(
  db: Kysely<DB>,
  actor: Actor,
  config: InviteConfig,
  invitationId: string,
): Promise<RevealedLink> {
  const row = await db
    .selectFrom('survey_invitations')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', invitationId)
    .executeTakeFirst();
  if (!row) throw notFound('Survey invitation', invitationId);
  if (row.status === 'skipped') throw new AppError('conflict', `The invitation was skipped (${row.reason ?? 'no reason'}) and has no link`);
  // An admin who also serves customers must not hold the link to a survey about their own work.
  if (actor.kind === 'user' && (await handledBy(db, row)) === actor.userId) {
    throw new AppError('forbidden', 'This survey is about your own work; another admin can reveal its link');
  }
  await recordAudit(db, actor, {
    action: 'survey_invitation.link_revealed',
    entityType: 'survey_invitation',
    entityId: row.id,
    changes: { customerId: row.customer_id, surveyId: row.survey_id },
  });
  return { invitationId: row.id, link: await linkOf(db, config, row), expiresAt: toIso(row.expires_at) };
}
