import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { resolveCustomer } from '../customers/lookup.js';
import { decodeKeyCursor, encodeKeyCursor, exactTime } from '../db/cursor.js';
import type { DB } from '../db/schema.js';
import type { Channel } from './tables.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { addBusinessSeconds } from './business-time.js';
import { appendCaseEvent, loadCaseForUpdate, saveCase, transitionCase, type CaseAction } from './lifecycle.js';
import { toCase, toCaseEvent, toInteraction, type CaseRow } from './mappers.js';
import type { Case, CaseActionBody, CaseInput, CaseQuery } from './schemas.js';
import { calendarOf, findSlaPolicy, targetFor } from './sla.js';
import { requireAgent, requireJob, requireProductLine, requireTeam, teamsOf } from './teams.js';

/** Opens a case; its due instants come from the SLA policy's calendar and targets. */
export async function openCase(db: Kysely<DB>, actor: Actor, input: CaseInput, now: Date = new Date()): Promise<CaseRow> {
  const ws = actor.workspaceId;
  const customer = await resolveCustomer(db, ws, input.customerId);
  const openedAt = input.openedAt ? new Date(input.openedAt) : now;
  if (openedAt.getTime() > now.getTime() + 60_000) throw invalid('/openedAt', 'must not be in the future');
  if (input.complaintCategory && input.complaint === false) throw invalid('/complaintCategory', 'is only for a complaint');
  const policy = await findSlaPolicy(db, ws, input.slaPolicyId);
  const priority = input.priority ?? 'normal';
  const target = policy ? targetFor(policy.targets, priority, input.channel) : undefined;
  const calendar = policy ? calendarOf(policy) : undefined;
  const agentId = input.agentId ? await requireAgent(db, ws, input.agentId, '/agentId') : null;
  const teamId = input.teamId ? await requireTeam(db, ws, input.teamId, '/teamId') : null;
  const complaint = input.complaint ?? Boolean(input.complaintCategory);
  const row = await db
    .insertInto('cases')
    .values({
      workspace_id: ws,
      id: newId('cas'),
      customer_id: customer.id,
      subject: input.subject,
      state: agentId || teamId ? 'assigned' : 'open',
      priority,
      channel: input.channel,
      job_id: input.jobId ? await requireJob(db, ws, input.jobId, '/jobId') : null,
      product_line_id: input.productLineId ? await requireProductLine(db, ws, input.productLineId, '/productLineId') : null,
      team_id: teamId,
      agent_user_id: agentId,
      sla_policy_id: policy?.id ?? null,
      is_complaint: complaint,
      complaint_category: complaint ? (input.complaintCategory ?? null) : null,
      opened_at: openedAt,
      first_response_due_at: target && calendar ? addBusinessSeconds(openedAt, target.firstResponseMinutes * 60, calendar) : null,
      resolution_due_at: target && calendar ? addBusinessSeconds(openedAt, target.resolutionMinutes * 60, calendar) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendCaseEvent(db, actor, {
    caseId: row.id,
    kind: 'opened',
    to: row.state,
    data: { priority, channel: row.channel, agentId, teamId, slaPolicyId: row.sla_policy_id, complaint },
    at: openedAt,
  });
  return row;
}

/** The case row with this id in the workspace, if any. */
export async function findCaseRow(db: Kysely<DB>, workspaceId: string, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function requireCaseRow(db: Kysely<DB>, workspaceId: string, id: string): Promise<CaseRow> {
  const row = await findCaseRow(db, workspaceId, id);
  if (!row) throw notFound('Case', id);
  return row;
}

/** Cases' subject and state, as a subquery to join: the follow-up inbox shows them beside each follow-up. */
export function caseHeadlinesQuery(db: Kysely<DB>) {
  return db.selectFrom('cases').select(['workspace_id', 'id', 'subject', 'state']);
}

/**
 * Cases resolved in [from, to] and not reopened since, only on some channels or about some
 * jobs when asked, as `c`: a query to narrow and page (feedback's survey sweep finds those it
 * has not asked about yet).
 */
export function casesResolvedBetween(
  db: Kysely<DB>,
  workspaceId: string,
  from: Date,
  to: Date,
  filter: { channels?: readonly Channel[] | undefined; jobIds?: readonly string[] | undefined } = {},
) {
  let q = db
    .selectFrom('cases as c')
    .select(['c.id', 'c.customer_id'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.resolved_at', '>=', from)
    .where('c.resolved_at', '<=', to)
    .where('c.state', 'in', ['resolved', 'closed']);
  if (filter.channels?.length) q = q.where('c.channel', 'in', filter.channels);
  if (filter.jobIds?.length) q = q.where('c.job_id', 'in', filter.jobIds);
  return q;
}

/**
 * A workspace's cases as a subquery other capabilities compose (`.as('c')`): whose, about
 * what and how urgent. The giving engine's service recovery and thank-you finders read it.
 */
export function casesQuery(db: Kysely<DB>, workspaceId: string) {
  return db.selectFrom('cases').select(['id', 'customer_id', 'subject', 'priority']).where('workspace_id', '=', workspaceId);
}

/**
 * The SLA breaches of a workspace's cases as a subquery (`.as('b')`): the case, the target
 * missed (first_response or resolution) and when it was missed.
 */
export function breachesQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('case_events')
    .select(['case_id', sql<string>`data ->> 'target'`.as('target'), 'occurred_at'])
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'breached');
}

/** A case with its interactions (oldest first) and its full event history. */
export async function getCaseDetail(db: Kysely<DB>, workspaceId: string, id: string) {
  const row = await requireCaseRow(db, workspaceId, id);
  const interactions = await db
    .selectFrom('interactions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', id)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  const events = await db
    .selectFrom('case_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', id)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return { ...toCase(row), interactions: interactions.map(toInteraction), events: events.map(toCaseEvent) };
}

/** Applies one lifecycle action, under a row lock so concurrent actions serialise. */
export async function actOnCase(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  action: CaseAction,
  body: CaseActionBody,
  now = new Date(),
): Promise<Case> {
  const row = await loadCaseForUpdate(db, actor.workspaceId, id);
  const at = body.at ? new Date(body.at) : now;
  if (at.getTime() > now.getTime() + 60_000) throw invalid('/at', 'must not be in the future');
  const agentId =
    action === 'assign' && body.agentId === undefined && body.teamId === undefined && actor.kind === 'user' ? actor.userId : body.agentId;
  return toCase(await transitionCase(db, actor, row, action, { at, agentId, teamId: body.teamId, note: body.note }));
}

/** Flags a case as a complaint with a category, or clears the flag; both are kept in its history. */
export async function setComplaint(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  complaint: boolean,
  category: string | null | undefined,
  now = new Date(),
): Promise<Case> {
  const row = await loadCaseForUpdate(db, actor.workspaceId, id);
  if (!complaint && category) throw invalid('/category', 'is only for a complaint');
  if (row.state === 'closed') throw new AppError('conflict', 'A closed case cannot change', { currentState: row.state });
  const after = await saveCase(db, row, {
    is_complaint: complaint,
    complaint_category: complaint ? (category ?? row.complaint_category) : null,
  });
  await appendCaseEvent(db, actor, {
    caseId: id,
    kind: complaint ? 'complaint_flagged' : 'complaint_cleared',
    data: { category: after.complaint_category },
    at: now,
  });
  return toCase(after);
}

const LIVE = ['open', 'assigned', 'responded', 'pending', 'reopened'] as const;

/**
 * Cases for an inbox: mine, my teams', those breaching within `withinMinutes` (or already
 * breached), or all; live cases only unless a state is asked for. Soonest due first.
 */
/** What the inbox sorts by: the nearest deadline still running (none last), then the oldest case. */
const DUE = sql<Date | null>`least(case when first_responded_at is null then first_response_due_at end, resolution_due_at)`;

/**
 * The case inbox, most urgent first; `before` is the `nextCursor` of the previous page.
 * The cursor carries the exact due time and opening time of the last case shown.
 */
export async function listCases(
  db: Kysely<DB>,
  actor: Actor,
  query: CaseQuery,
  now = new Date(),
): Promise<{ data: Case[]; nextCursor: string | null }> {
  const ws = actor.workspaceId;
  const cursor = query.before === undefined ? null : decodeKeyCursor(query.before, '/before', 2);
  let q = db
    .selectFrom('cases')
    .selectAll()
    .select([exactTime(DUE).as('cursor_due'), exactTime(sql`opened_at`).as('cursor_opened')])
    .where('workspace_id', '=', ws);
  const view = query.view ?? 'all';
  if (view === 'mine' || view === 'team') {
    if (actor.kind !== 'user') throw invalid('/view', `"${view}" needs a signed-in user`);
    if (view === 'mine') q = q.where('agent_user_id', '=', actor.userId);
    else {
      const teams = await teamsOf(db, ws, actor.userId);
      if (teams.length === 0) return { data: [], nextCursor: null };
      q = q.where('team_id', 'in', teams);
    }
  }
  if (view === 'breaching') {
    const horizon = new Date(now.getTime() + query.withinMinutes * 60_000);
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('first_responded_at', 'is', null), eb('first_response_due_at', '<=', horizon)]),
        eb.and([eb('state', '!=', 'pending'), eb('resolution_due_at', '<=', horizon)]),
      ]),
    );
  }
  if (query.customerId) q = q.where('customer_id', '=', (await resolveCustomer(db, ws, query.customerId)).id);
  if (query.agentId) q = q.where('agent_user_id', '=', query.agentId);
  if (query.teamId) q = q.where('team_id', '=', query.teamId);
  q = query.state ? q.where('state', '=', query.state) : q.where('state', 'in', [...LIVE]);
  if (cursor) q = q.where(afterInInbox(cursor.keys[0] ?? null, cursor.keys[1] ?? '', cursor.id));
  const rows = await q
    .orderBy(DUE, sql`asc nulls last`)
    .orderBy('opened_at')
    .orderBy('id')
    .limit(query.limit)
    .execute();
  const last = rows[rows.length - 1];
  return {
    data: rows.map(toCase),
    nextCursor: rows.length === query.limit && last ? encodeKeyCursor([last.cursor_due, last.cursor_opened], last.id) : null,
  };
}

/** The cases after (due, opened, id) in inbox order: due ascending with no due time last, then opened, then id. */
function afterInInbox(due: string | null, opened: string, id: string) {
  const rest = sql<boolean>`(opened_at, id) > (${opened}::timestamptz, ${id})`;
  if (due === null) return sql<boolean>`(${DUE} is null and ${rest})`;
  return sql<boolean>`(${DUE} is null or ${DUE} > ${due}::timestamptz or (${DUE} = ${due}::timestamptz and ${rest}))`;
}
