import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { HouseholdKind, HouseholdRole } from './tables.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { resolveCustomer } from './lookup.js';

export interface HouseholdMember {
  customerId: string;
  displayName: string | null;
  role: HouseholdRole;
  joinedAt: string;
}

export interface Household {
  id: string;
  name: string;
  kind: HouseholdKind;
  members: HouseholdMember[];
  createdAt: string;
}

export async function getHousehold(db: Kysely<DB>, workspaceId: string, householdId: string): Promise<Household> {
  const household = await db
    .selectFrom('households')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', householdId)
    .executeTakeFirst();
  if (!household) throw notFound('Household', householdId);
  const members = await db
    .selectFrom('household_members as m')
    .innerJoin('customers as c', (join) => join.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.customer_id'))
    .select(['m.customer_id', 'c.display_name', 'm.role', 'm.joined_at'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.household_id', '=', householdId)
    .orderBy('m.joined_at')
    .orderBy('m.customer_id')
    .execute();
  return {
    id: household.id,
    name: household.name,
    kind: household.kind,
    createdAt: toIso(household.created_at),
    members: members.map((m) => ({ customerId: m.customer_id, displayName: m.display_name, role: m.role, joinedAt: toIso(m.joined_at) })),
  };
}

/** Not found unless the household exists in the workspace. */
export async function requireHousehold(db: Kysely<DB>, workspaceId: string, id: string): Promise<void> {
  const row = await db
    .selectFrom('households')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Household', id);
}

export async function createHousehold(
  db: Kysely<DB>,
  actor: Actor,
  input: { name: string; kind: HouseholdKind; members?: Array<{ customerId: string; role: HouseholdRole }> | undefined },
): Promise<Household> {
  const name = input.name.trim();
  if (!name) throw invalid('/name', 'must not be empty');
  const id = newId('hh');
  await db.insertInto('households').values({ workspace_id: actor.workspaceId, id, name, kind: input.kind }).execute();
  await recordAudit(db, actor, { action: 'household.created', entityType: 'household', entityId: id, changes: { name, kind: input.kind } });
  for (const [i, member] of (input.members ?? []).entries()) {
    await setHouseholdMember(db, actor, id, member.customerId, member.role, `/members/${i}/customerId`);
  }
  return getHousehold(db, actor.workspaceId, id);
}

/** Adds a customer to a household, or changes their role there. */
export async function setHouseholdMember(
  db: Kysely<DB>,
  actor: Actor,
  householdId: string,
  customerId: string,
  role: HouseholdRole,
  path = '/customerId',
): Promise<Household> {
  await requireHousehold(db, actor.workspaceId, householdId);
  const customer = await resolveCustomer(db, actor.workspaceId, customerId).catch((error: unknown) => {
    throw error instanceof AppError && error.code === 'not_found' ? invalid(path, `customer ${customerId} does not exist`) : error;
  });
  await db
    .insertInto('household_members')
    .values({ workspace_id: actor.workspaceId, household_id: householdId, customer_id: customer.id, role })
    .onConflict((oc) => oc.columns(['workspace_id', 'household_id', 'customer_id']).doUpdateSet({ role }))
    .execute();
  await recordAudit(db, actor, {
    action: 'household.member_set',
    entityType: 'household',
    entityId: householdId,
    changes: { customerId: customer.id, role },
  });
  return getHousehold(db, actor.workspaceId, householdId);
}

/**
 * Adds a customer to a household as a member unless they belong already: a role set by
 * someone else (owner, payer) is kept. For an ingested `group` call, which only says they belong.
 */
export async function joinHousehold(db: Kysely<DB>, actor: Actor, householdId: string, customerId: string): Promise<void> {
  const member = await db
    .selectFrom('household_members')
    .select('role')
    .where('workspace_id', '=', actor.workspaceId)
    .where('household_id', '=', householdId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!member) await setHouseholdMember(db, actor, householdId, customerId, 'member');
}

/**
 * Records a household another system names (an ingested group) and returns its id. The
 * ingested event is its record, so unlike createHousehold no audit entry is written.
 */
export async function addGroupHousehold(
  db: Kysely<DB>,
  workspaceId: string,
  input: { name: string; kind: HouseholdKind },
): Promise<string> {
  const id = newId('hh');
  await db.insertInto('households').values({ workspace_id: workspaceId, id, name: input.name, kind: input.kind }).execute();
  return id;
}

/** Renames a household another system names (an ingested group); the ingested event is its record. */
export async function renameGroupHousehold(db: Kysely<DB>, workspaceId: string, id: string, name: string): Promise<void> {
  await db
    .updateTable('households')
    .set({ name, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

export async function removeHouseholdMember(db: Kysely<DB>, actor: Actor, householdId: string, customerId: string): Promise<Household> {
  const deleted = await db
    .deleteFrom('household_members')
    .where('workspace_id', '=', actor.workspaceId)
    .where('household_id', '=', householdId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!deleted.numDeletedRows) throw notFound('Household member', customerId);
  await recordAudit(db, actor, {
    action: 'household.member_removed',
    entityType: 'household',
    entityId: householdId,
    changes: { customerId },
  });
  return getHousehold(db, actor.workspaceId, householdId);
}
