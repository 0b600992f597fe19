import type { Kysely, Updateable } from 'kysely';
import { actorColumns, type Actor } from '../auth/actor.js';
import type { CasesTable, CaseState } from './tables.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { addBusinessSeconds, businessSeconds, type Calendar } from './business-time.js';
import type { CaseRow } from './mappers.js';
import type { CASE_ACTIONS } from './schemas.js';
import { ALWAYS, calendarOf, findSlaPolicy } from './sla.js';
import { requireAgent, requireTeam } from './teams.js';

export type CaseAction = (typeof CASE_ACTIONS)[number];

/** From which states each action may be taken. Closed is final; only a resolved case reopens. */
export const ALLOWED_FROM: Record<CaseAction, CaseState[]> = {
  assign: ['open', 'assigned', 'responded', 'pending', 'reopened'],
  respond: ['open', 'assigned', 'responded', 'pending', 'reopened'],
  pending: ['assigned', 'responded', 'reopened'],
  resolve: ['open', 'assigned', 'responded', 'pending', 'reopened'],
  reopen: ['resolved'],
  close: ['resolved'],
};

function targetState(action: CaseAction, from: CaseState): CaseState {
  switch (action) {
    case 'assign':
      return from === 'open' ? 'assigned' : from;
    case 'respond':
      return 'responded';
    case 'pending':
      return 'pending';
    case 'resolve':
      return 'resolved';
    case 'reopen':
      return 'reopened';
    case 'close':
      return 'closed';
  }
}

export async function loadCaseForUpdate(db: Kysely<DB>, workspaceId: string, id: string): Promise<CaseRow> {
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Case', id);
  return row;
}

/** Writes changes to a case (the rollup trigger adds the difference they make to the metrics). */
export async function saveCase(db: Kysely<DB>, before: CaseRow, changes: Updateable<CasesTable>): Promise<CaseRow> {
  const after = await db
    .updateTable('cases')
    .set({ ...changes, updated_at: new Date() })
    .where('workspace_id', '=', before.workspace_id)
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return after;
}

export async function appendCaseEvent(
  db: Kysely<DB>,
  actor: Actor,
  event: { caseId: string; kind: string; from?: CaseState | null; to?: CaseState | null; data?: JsonObject; at: Date },
): Promise<void> {
  await db
    .insertInto('case_events')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('cev'),
      case_id: event.caseId,
      kind: event.kind,
      from_state: event.from ?? null,
      to_state: event.to ?? null,
      ...actorColumns(actor),
      data: JSON.stringify(event.data ?? {}),
      occurred_at: event.at,
    })
    .execute();
}

export async function calendarOfCase(db: Kysely<DB>, row: CaseRow): Promise<Calendar> {
  if (!row.sla_policy_id) return ALWAYS;
  const policy = await findSlaPolicy(db, row.workspace_id, row.sla_policy_id);
  return policy ? calendarOf(policy) : ALWAYS;
}

export interface ActionOptions {
  at: Date;
  agentId?: string | null | undefined;
  teamId?: string | null | undefined;
  note?: string | null | undefined;
  /** What caused it when not a person: an interaction id. */
  cause?: JsonObject;
}

/**
 * Moves a case through its lifecycle. A forbidden move is a conflict naming the current
 * state; a time before the case opened is rejected. SLA measures are taken in business
 * time on the case's calendar, with time spent pending left out.
 */
export async function transitionCase(
  db: Kysely<DB>,
  actor: Actor,
  row: CaseRow,
  action: CaseAction,
  options: ActionOptions,
): Promise<CaseRow> {
  if (!ALLOWED_FROM[action].includes(row.state)) {
    throw new AppError('conflict', `A ${row.state} case cannot ${action === 'pending' ? 'go pending' : action}`, {
      currentState: row.state,
      allowedActions: (Object.keys(ALLOWED_FROM) as CaseAction[]).filter((a) => ALLOWED_FROM[a].includes(row.state)),
    });
  }
  const at = options.at;
  if (at.getTime() < row.opened_at.getTime()) {
    throw invalid('/at', `must not be before the case opened (${row.opened_at.toISOString()})`);
  }
  const ws = row.workspace_id;
  const calendar = await calendarOfCase(db, row);
  const to = targetState(action, row.state);
  const changes: Updateable<CasesTable> = { state: to };
  const data: JsonObject = { ...(options.note ? { note: options.note } : {}), ...(options.cause ?? {}) };

  // Leaving pending: the business time it lasted is not counted, and the resolution due
  // moves on by the business time that was left when the case paused.
  if (row.state === 'pending' && to !== 'pending' && row.pending_since) {
    const paused = businessSeconds(row.pending_since, at, calendar);
    changes.paused_seconds = row.paused_seconds + paused;
    changes.pending_since = null;
    if (row.resolution_due_at && row.resolution_due_at > row.pending_since) {
      changes.resolution_due_at = addBusinessSeconds(at, businessSeconds(row.pending_since, row.resolution_due_at, calendar), calendar);
    }
    data.pausedSeconds = paused;
  }
  const pausedSeconds = changes.paused_seconds ?? row.paused_seconds;

  let kind: string = action === 'pending' ? 'pending' : `${action}${action.endsWith('e') ? 'd' : 'ed'}`;
  if (action === 'assign') {
    if (options.agentId === undefined && options.teamId === undefined) throw invalid('/agentId', 'give an agentId, a teamId or both');
    const agent = options.agentId
      ? await requireAgent(db, ws, options.agentId, '/agentId')
      : options.agentId === null
        ? null
        : row.agent_user_id;
    const team = options.teamId ? await requireTeam(db, ws, options.teamId, '/teamId') : options.teamId === null ? null : row.team_id;
    const transfer = (row.agent_user_id !== null && agent !== row.agent_user_id) || (row.team_id !== null && team !== row.team_id);
    kind = transfer ? 'transferred' : 'assigned';
    changes.agent_user_id = agent;
    changes.team_id = team;
    if (transfer) changes.transfer_count = row.transfer_count + 1;
    Object.assign(data, { fromAgentId: row.agent_user_id, toAgentId: agent, fromTeamId: row.team_id, toTeamId: team });
  }
  if ((action === 'respond' || action === 'resolve') && !row.first_responded_at) {
    // Resolving without a recorded reply still answered the customer.
    changes.first_responded_at = at;
    changes.first_response_seconds = Math.max(0, businessSeconds(row.opened_at, at, calendar) - pausedSeconds);
  }
  if (action === 'pending') changes.pending_since = at;
  if (action === 'resolve') {
    changes.resolved_at = at;
    changes.resolution_seconds = Math.max(0, businessSeconds(row.opened_at, at, calendar) - pausedSeconds);
  }
  if (action === 'reopen') {
    changes.resolved_at = null;
    changes.resolution_seconds = null;
    changes.reopen_count = row.reopen_count + 1;
  }
  if (action === 'close') changes.closed_at = at;

  const after = await saveCase(db, row, changes);
  await appendCaseEvent(db, actor, { caseId: row.id, kind, from: row.state, to, data, at });
  return after;
}
