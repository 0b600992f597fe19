import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { findProductLineId } from '../catalog/service.js';
import type { DB } from '../db/schema.js';
import { invalid } from '../errors.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { isMember } from '../workspaces/service.js';
import type { Job, Team, TeamInput } from './settings-schemas.js';

// Teams, jobs and the references an interaction or case names (agent, team, job,
// product line), each checked with a clear path rather than a foreign-key error.

/** The user id when it is a member of the workspace. */
export async function requireAgent(db: Kysely<DB>, workspaceId: string, userId: string, path: string): Promise<string> {
  if (!(await isMember(db, workspaceId, userId))) throw invalid(path, `${userId} is not a user of this workspace`);
  return userId;
}

export async function requireTeam(db: Kysely<DB>, workspaceId: string, teamId: string, path: string): Promise<string> {
  const row = await db
    .selectFrom('service_teams')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  if (!row) throw invalid(path, `team ${teamId} does not exist`);
  return row.id;
}

/** A job named by id (job_…) or by code ("replace-lost-sim"). */
export async function requireJob(db: Kysely<DB>, workspaceId: string, idOrCode: string, path: string): Promise<string> {
  const row = await db
    .selectFrom('service_jobs')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode)]))
    .executeTakeFirst();
  if (!row) throw invalid(path, `job ${idOrCode} does not exist (give a job id or code)`);
  return row.id;
}

/** A product line named by id (pl_…) or by code. */
export async function requireProductLine(db: Kysely<DB>, workspaceId: string, idOrCode: string, path: string): Promise<string> {
  const id = await findProductLineId(db, workspaceId, idOrCode);
  if (!id) throw invalid(path, `product line ${idOrCode} does not exist (give an id or code)`);
  return id;
}

export async function createTeam(db: Kysely<DB>, actor: Actor, input: TeamInput): Promise<Team> {
  const ws = actor.workspaceId;
  const leadId = input.leadId ? await requireAgent(db, ws, input.leadId, '/leadId') : null;
  const memberIds = [...new Set(input.memberIds ?? [])];
  for (const [i, id] of memberIds.entries()) await requireAgent(db, ws, id, `/memberIds/${i}`);
  const row = await db
    .insertInto('service_teams')
    .values({ workspace_id: ws, id: newId('tm'), name: input.name, lead_user_id: leadId })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (memberIds.length) {
    await db
      .insertInto('service_team_members')
      .values(memberIds.map((user_id) => ({ workspace_id: ws, team_id: row.id, user_id })))
      .execute();
  }
  await recordAudit(db, actor, { action: 'team.created', entityType: 'team', entityId: row.id, changes: { name: row.name } });
  return { id: row.id, name: row.name, leadId: row.lead_user_id, memberIds, createdAt: toIso(row.created_at) };
}

export async function listTeams(db: Kysely<DB>, workspaceId: string): Promise<Team[]> {
  const teams = await db.selectFrom('service_teams').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute();
  const members = await db
    .selectFrom('service_team_members')
    .select(['team_id', 'user_id'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    leadId: t.lead_user_id,
    memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.user_id),
    createdAt: toIso(t.created_at),
  }));
}

/** Teams a user leads or belongs to. */
export async function teamsOf(db: Kysely<DB>, workspaceId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('service_teams')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        eb('lead_user_id', '=', userId),
        eb(
          'id',
          'in',
          eb.selectFrom('service_team_members').select('team_id').where('workspace_id', '=', workspaceId).where('user_id', '=', userId),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** The lead of a team, if it has one. */
export async function teamLead(db: Kysely<DB>, workspaceId: string, teamId: string): Promise<string | null> {
  const team = await db
    .selectFrom('service_teams')
    .select('lead_user_id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  return team?.lead_user_id ?? null;
}

/** The lead of the first team (oldest) a user is a member of that has a lead, if any. */
export async function firstTeamLeadOf(db: Kysely<DB>, workspaceId: string, userId: string): Promise<string | null> {
  const lead = await db
    .selectFrom('service_team_members as m')
    .innerJoin('service_teams as t', (j) => j.onRef('t.workspace_id', '=', 'm.workspace_id').onRef('t.id', '=', 'm.team_id'))
    .select('t.lead_user_id')
    .where('m.workspace_id', '=', workspaceId)
    .where('m.user_id', '=', userId)
    .where('t.lead_user_id', 'is not', null)
    .orderBy('t.created_at')
    .executeTakeFirst();
  return lead?.lead_user_id ?? null;
}

export async function createJob(db: Kysely<DB>, actor: Actor, input: { code: string; name: string }): Promise<Job> {
  const row = await db
    .insertInto('service_jobs')
    .values({ workspace_id: actor.workspaceId, id: newId('job'), code: input.code, name: input.name })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: row.id, code: row.code, name: row.name, createdAt: toIso(row.created_at) };
}

export async function listJobs(db: Kysely<DB>, workspaceId: string): Promise<Job[]> {
  const rows = await db.selectFrom('service_jobs').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute();
  return rows.map((row) => ({ id: row.id, code: row.code, name: row.name, createdAt: toIso(row.created_at) }));
}
