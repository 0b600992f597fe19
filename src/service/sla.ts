import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { CasePriority, Channel, SlaPoliciesTable, SlaTarget } from './tables.js';
import type { DB } from '../db/schema.js';
import { notFound, throwIssues, type FieldIssue } from '../errors.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { calendarIssues, type Calendar } from './business-time.js';
import type { SlaPolicy, SlaPolicyInput } from './settings-schemas.js';

export type SlaPolicyRow = Selectable<SlaPoliciesTable>;

export function calendarOf(row: SlaPolicyRow): Calendar {
  return { timeZone: row.time_zone, workingHours: row.working_hours, holidays: row.holidays };
}

/** Round the clock in UTC: what a case without a policy is measured on. */
export const ALWAYS: Calendar = { timeZone: 'UTC', workingHours: [], holidays: [] };

export function toSlaPolicy(row: SlaPolicyRow): SlaPolicy {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    workingHours: row.working_hours,
    holidays: row.holidays,
    targets: row.targets,
    isDefault: row.is_default,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** The most specific target for a priority and channel: both match, then priority, then channel, then neither. */
export function targetFor(targets: SlaTarget[], priority: CasePriority, channel: Channel): SlaTarget | undefined {
  const score = (t: SlaTarget) => (t.priority === null ? 0 : 2) + (t.channel === null ? 0 : 1);
  return targets
    .filter((t) => (t.priority === null || t.priority === priority) && (t.channel === null || t.channel === channel))
    .sort((a, b) => score(b) - score(a))[0];
}

function validatePolicy(input: SlaPolicyInput): SlaTarget[] {
  const issues: FieldIssue[] = calendarIssues({
    timeZone: input.timeZone,
    workingHours: input.workingHours,
    holidays: input.holidays ?? [],
  });
  const targets = input.targets.map((t) => ({
    priority: t.priority ?? null,
    channel: t.channel ?? null,
    firstResponseMinutes: t.firstResponseMinutes,
    resolutionMinutes: t.resolutionMinutes,
  }));
  targets.forEach((t, i) => {
    if (t.resolutionMinutes < t.firstResponseMinutes) {
      issues.push({
        path: `/targets/${i}/resolutionMinutes`,
        message: `must not be shorter than firstResponseMinutes (${t.firstResponseMinutes})`,
      });
    }
    const twin = targets.findIndex((o) => o.priority === t.priority && o.channel === t.channel);
    if (twin < i) issues.push({ path: `/targets/${i}`, message: `repeats the priority and channel of /targets/${twin}` });
  });
  throwIssues(issues);
  return targets;
}

/** Creates a policy; one marked default replaces the previous default. */
export async function createSlaPolicy(db: Kysely<DB>, actor: Actor, input: SlaPolicyInput): Promise<SlaPolicy> {
  const targets = validatePolicy(input);
  if (input.isDefault) {
    await db
      .updateTable('sla_policies')
      .set({ is_default: false })
      .where('workspace_id', '=', actor.workspaceId)
      .where('is_default', '=', true)
      .execute();
  }
  const row = await db
    .insertInto('sla_policies')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('sla'),
      name: input.name,
      time_zone: input.timeZone,
      working_hours: JSON.stringify(input.workingHours),
      holidays: JSON.stringify(input.holidays ?? []),
      targets: JSON.stringify(targets),
      is_default: input.isDefault ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'sla_policy.created', entityType: 'sla_policy', entityId: row.id, changes: { name: row.name } });
  return toSlaPolicy(row);
}

export async function listSlaPolicies(db: Kysely<DB>, workspaceId: string): Promise<SlaPolicy[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute();
  return rows.map(toSlaPolicy);
}

/** The named policy, or the workspace default when none is named (undefined when there is none). */
export async function findSlaPolicy(db: Kysely<DB>, workspaceId: string, id: string | null | undefined): Promise<SlaPolicyRow | undefined> {
  let query = db.selectFrom('sla_policies').selectAll().where('workspace_id', '=', workspaceId);
  query = id ? query.where('id', '=', id) : query.where('is_default', '=', true);
  const row = await query.executeTakeFirst();
  if (id && !row) throw notFound('SLA policy', id);
  return row;
}
