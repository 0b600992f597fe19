import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { IdentityKind } from './tables.js';
import { invalid, notFound } from '../errors.js';
import { recordAudit } from '../workspaces/audit.js';
import { getWorkspace } from '../workspaces/service.js';
import { requireCustomer, resolveCustomer } from './lookup.js';
import type { Merge } from './mappers.js';
import { getMerge, mergeCustomers, type MergeResult } from './merge.js';
import { normalizeEmail, normalizePhone } from './normalize.js';
import type { IdentityInput } from './schemas.js';

/** An identity in its stored form: the key that resolution matches on. */
export interface IdentityKey {
  kind: IdentityKind;
  namespace: string;
  value: string;
}

/** Normalises one identity; `path` names it in errors (`/identities/2`). */
export function normalizeIdentity(input: IdentityInput, path: string, defaultCountry: string): IdentityKey {
  const raw = input.value;
  if (input.kind !== 'external' && input.system !== undefined) {
    throw invalid(`${path}/system`, 'only external ids have a source system');
  }
  switch (input.kind) {
    case 'email':
      return { kind: 'email', namespace: '', value: normalizeEmail(raw, `${path}/value`) };
    case 'phone':
      return { kind: 'phone', namespace: '', value: normalizePhone(raw, `${path}/value`, defaultCountry) };
    case 'external':
      if (!input.system) throw invalid(`${path}/system`, 'is required for an external id (e.g. billing, crm, shop)');
      break;
  }
  const value = raw.trim();
  if (!value) throw invalid(`${path}/value`, 'must not be blank');
  return { kind: input.kind, namespace: input.system ?? '', value };
}

/** The country a phone number without one is read in: the workspace's default. */
export async function workspaceCountry(db: Kysely<DB>, workspaceId: string): Promise<string> {
  return (await getWorkspace(db, workspaceId)).defaultCountry;
}

/** The customer an identity belongs to, if any. */
export async function findIdentityOwner(db: Kysely<DB>, workspaceId: string, key: IdentityKey): Promise<string | undefined> {
  const row = await db
    .selectFrom('customer_identities')
    .select('customer_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', key.kind)
    .where('namespace', '=', key.namespace)
    .where('value', '=', key.value)
    .executeTakeFirst();
  return row?.customer_id;
}

/** A customer's identities of some kinds (their email addresses, phone numbers), newest first. */
export async function listIdentities(
  db: Kysely<DB>,
  workspaceId: string,
  customerId: string,
  kinds: readonly IdentityKind[],
): Promise<Array<{ kind: IdentityKind; value: string }>> {
  return db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('kind', 'in', kinds)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * The live profile (a merged one's survivor) each identity of one workspace leads to: one
 * row per identity found, none for an identity nobody has.
 */
export async function findIdentityOwners(
  db: Kysely<DB>,
  workspaceId: string,
  keys: IdentityKey[],
): Promise<Array<IdentityKey & { customerId: string }>> {
  if (keys.length === 0) return [];
  const { rows } = await sql<{ kind: IdentityKind; namespace: string; value: string; customer_id: string }>`
    select i.kind, i.namespace, i.value, coalesce(c.merged_into, c.id) as customer_id
    from customer_identities i join customers c on c.workspace_id = i.workspace_id and c.id = i.customer_id
    where i.workspace_id = ${workspaceId}
      and (i.kind, i.namespace, i.value) in (${sql.join(keys.map((k) => sql`(${k.kind}, ${k.namespace}, ${k.value})`))})`.execute(db);
  return rows.map((row) => ({ kind: row.kind, namespace: row.namespace, value: row.value, customerId: row.customer_id }));
}

/**
 * The same across workspaces, in bulk, for identities without a namespace (user and anonymous
 * ids): one query for a whole claim of ingested events.
 */
export async function findIdentityOwnersInBulk(
  db: Kysely<DB>,
  keys: Array<{ workspaceId: string; kind: IdentityKind; value: string }>,
): Promise<Array<{ workspaceId: string; kind: IdentityKind; value: string; customerId: string }>> {
  if (keys.length === 0) return [];
  const { rows } = await sql<{ w: string; k: IdentityKind; v: string; customer_id: string }>`
    select k.w, k.k, k.v, coalesce(c.merged_into, c.id) as customer_id
    from jsonb_to_recordset(${JSON.stringify(keys.map((key) => ({ w: key.workspaceId, k: key.kind, v: key.value })))}::jsonb)
      as k(w text, k text, v text)
    join customer_identities i on i.workspace_id = k.w and i.kind = k.k and i.namespace = '' and i.value = k.v
    join customers c on c.workspace_id = i.workspace_id and c.id = i.customer_id`.execute(db);
  return rows.map((row) => ({ workspaceId: row.w, kind: row.k, value: row.v, customerId: row.customer_id }));
}

export interface AttachResult {
  /** The profile that holds the identity now: the survivor when a merge happened. */
  customerId: string;
  merge: MergeResult | null;
}

/**
 * Attaches an identity to a profile. When the identity already belongs to another
 * profile the two are the same person, so they are merged.
 */
export async function attachIdentity(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  key: IdentityKey,
  source: string | null = null,
): Promise<AttachResult> {
  const workspaceId = actor.workspaceId;
  const found = await findIdentityOwner(db, workspaceId, key);
  // The owner read a moment ago may have been merged since; its survivor is the owner now.
  const owner = found ? (await resolveCustomer(db, workspaceId, found)).id : undefined;
  if (owner === customerId) return { customerId, merge: null };
  if (owner) {
    const merge = await mergeCustomers(db, actor, {
      customerId,
      otherId: owner,
      reason: 'identity',
      identity: { kind: key.kind, system: key.namespace || null, value: key.value },
    });
    return { customerId: merge.survivorId, merge };
  }
  await db
    .insertInto('customer_identities')
    .values({ workspace_id: workspaceId, kind: key.kind, namespace: key.namespace, value: key.value, customer_id: customerId, source })
    .execute();
  await recordAudit(db, actor, {
    action: 'identity.attached',
    entityType: 'customer',
    entityId: customerId,
    changes: { kind: key.kind, system: key.namespace || null, value: key.value },
  });
  return { customerId, merge: null };
}

export async function detachIdentity(db: Kysely<DB>, actor: Actor, customerId: string, key: IdentityKey): Promise<void> {
  await requireCustomer(db, actor.workspaceId, customerId);
  const deleted = await db
    .deleteFrom('customer_identities')
    .where('workspace_id', '=', actor.workspaceId)
    .where('customer_id', '=', customerId)
    .where('kind', '=', key.kind)
    .where('namespace', '=', key.namespace)
    .where('value', '=', key.value)
    .executeTakeFirst();
  if (!deleted.numDeletedRows) throw notFound('Identity', `${key.kind}:${key.value}`);
  await recordAudit(db, actor, {
    action: 'identity.detached',
    entityType: 'customer',
    entityId: customerId,
    changes: { kind: key.kind, system: key.namespace || null, value: key.value },
  });
}

/** Attaches an identity given through the API to a live profile, merging when it belongs to another. */
export async function addIdentityToCustomer(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  input: IdentityInput,
): Promise<{ customerId: string; merge: Merge | null }> {
  await requireCustomer(db, actor.workspaceId, customerId);
  const key = normalizeIdentity(input, '', await workspaceCountry(db, actor.workspaceId));
  const result = await attachIdentity(db, actor, customerId, key, input.source ?? null);
  return { customerId: result.customerId, merge: result.merge ? await getMerge(db, actor.workspaceId, result.merge.mergeId) : null };
}

/** Detaches an identity named as in the API (`kind`, `value`, and `system` for external ids). */
export async function removeIdentityFromCustomer(db: Kysely<DB>, actor: Actor, customerId: string, input: IdentityInput): Promise<void> {
  const key = normalizeIdentity(input, '', await workspaceCountry(db, actor.workspaceId));
  await detachIdentity(db, actor, customerId, key);
}
