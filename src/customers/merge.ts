import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { actorColumns } from '../auth/actor.js';
import type { CustomerRow } from './tables.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { recordAudit } from '../workspaces/audit.js';
import { requireCustomer, resolveCustomer } from './lookup.js';
import { toMerge, type Merge } from './mappers.js';
import { NO_PERSONAL_DATA } from './customer-data.js';
import { CUSTOMER_REFERENCES } from './references.js';

/**
 * The survivor of a merge is chosen deterministically: the profile created first,
 * and on a tie the smaller id. Older profiles carry more history and more references.
 */
export function chooseSurvivor(a: CustomerRow, b: CustomerRow): [survivor: CustomerRow, merged: CustomerRow] {
  const byAge = a.created_at.getTime() - b.created_at.getTime();
  if (byAge < 0 || (byAge === 0 && a.id < b.id)) return [a, b];
  return [b, a];
}

function roleRank(role: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`case ${role} when 'owner' then 3 when 'payer' then 2 else 1 end`;
}

/**
 * The live profiles behind two ids (either may have been merged meanwhile), locked in id
 * order so that two concurrent merges of the same pair cannot deadlock. Locked rows stay
 * live until this transaction ends.
 */
async function lockLiveProfiles(
  db: Kysely<DB>,
  workspaceId: string,
  firstId: string,
  secondId: string,
): Promise<[CustomerRow, CustomerRow]> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = await resolveCustomer(db, workspaceId, firstId);
    const second = await resolveCustomer(db, workspaceId, secondId);
    if (first.id === second.id) {
      throw new AppError('conflict', `${firstId} and ${secondId} are already one profile: ${first.id}`, { customerId: first.id });
    }
    const locked = await db
      .selectFrom('customers')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [first.id, second.id].sort())
      .orderBy('id')
      .forUpdate()
      .execute();
    const lockedFirst = locked.find((row) => row.id === first.id && row.merged_into === null && row.erased_at === null);
    const lockedSecond = locked.find((row) => row.id === second.id && row.merged_into === null && row.erased_at === null);
    if (lockedFirst && lockedSecond) return [lockedFirst, lockedSecond];
  }
  throw new AppError('conflict', 'The profiles kept changing while being merged; retry');
}

export interface MergeResult {
  mergeId: string;
  survivorId: string;
  mergedId: string;
}

/**
 * Merges two profiles of one person. Every row that pointed at the merged profile
 * points at the survivor afterwards; the survivor's values win, the merged profile
 * fills what the survivor lacks, and the merged profile as it was is kept in the
 * merge record. The merged id keeps resolving to the survivor.
 */
export async function mergeCustomers(
  db: Kysely<DB>,
  actor: Actor,
  input: { customerId: string; otherId: string; reason: string; identity?: JsonObject },
): Promise<MergeResult> {
  if (input.customerId === input.otherId) throw new AppError('validation_failed', 'A customer cannot be merged with itself');
  const workspaceId = actor.workspaceId;
  const [a, b] = await lockLiveProfiles(db, workspaceId, input.customerId, input.otherId);
  const [survivor, merged] = chooseSurvivor(a, b);

  const mergedIdentities = await db
    .selectFrom('customer_identities')
    .select(['kind', 'namespace', 'value', 'source'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', merged.id)
    .execute();
  const mergeId = newId('mrg');
  await db
    .insertInto('customer_merges')
    .values({
      workspace_id: workspaceId,
      id: mergeId,
      survivor_id: survivor.id,
      merged_id: merged.id,
      reason: input.reason,
      identity: input.identity ? JSON.stringify(input.identity) : null,
      merged_profile: JSON.stringify({
        displayName: merged.display_name,
        traits: merged.traits,
        preferredChannels: merged.preferred_channels,
        language: merged.language,
        timeZone: merged.time_zone,
        quietHours: [merged.quiet_hours_start, merged.quiet_hours_end],
        contactCap: [merged.contact_cap_count, merged.contact_cap_days],
        createdAt: merged.created_at.toISOString(),
        identities: mergedIdentities,
        households: await db
          .selectFrom('household_members')
          .select(['household_id', 'role'])
          .where('workspace_id', '=', workspaceId)
          .where('customer_id', '=', merged.id)
          .execute(),
      }),
      ...actorColumns(actor),
    })
    .execute();

  // In a household both belong to, the survivor keeps the stronger of the two roles.
  await sql`update household_members s set role = m.role
    from household_members m
    where s.workspace_id = ${workspaceId} and s.customer_id = ${survivor.id}
      and m.workspace_id = ${workspaceId} and m.customer_id = ${merged.id} and m.household_id = s.household_id
      and ${roleRank(sql`m.role`)} > ${roleRank(sql`s.role`)}`.execute(db);
  await db
    .deleteFrom('household_members')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', merged.id)
    .where('household_id', 'in', (eb) =>
      eb
        .selectFrom('household_members')
        .select('household_id')
        .where('workspace_id', '=', workspaceId)
        .where('customer_id', '=', survivor.id),
    )
    .execute();
  for (const ref of CUSTOMER_REFERENCES) {
    await sql`update ${sql.table(ref.table)} set ${sql.ref(ref.column)} = ${survivor.id}
      where workspace_id = ${workspaceId} and ${sql.ref(ref.column)} = ${merged.id}`.execute(db);
  }
  // Profiles merged earlier into the merged one now redirect straight to the survivor.
  await db
    .updateTable('customers')
    .set({ merged_into: survivor.id })
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', merged.id)
    .execute();

  await db
    .updateTable('customers')
    .set({
      display_name: survivor.display_name ?? merged.display_name,
      traits: JSON.stringify({ ...merged.traits, ...survivor.traits }),
      preferred_channels: survivor.preferred_channels.length > 0 ? survivor.preferred_channels : merged.preferred_channels,
      language: survivor.language ?? merged.language,
      time_zone: survivor.time_zone ?? merged.time_zone,
      quiet_hours_start: survivor.quiet_hours_start ?? merged.quiet_hours_start,
      quiet_hours_end: survivor.quiet_hours_start !== null ? survivor.quiet_hours_end : merged.quiet_hours_end,
      contact_cap_count: survivor.contact_cap_count ?? merged.contact_cap_count,
      contact_cap_days: survivor.contact_cap_count !== null ? survivor.contact_cap_days : merged.contact_cap_days,
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', survivor.id)
    .execute();
  // The merged row stays as a redirect; its personal data lives on in the survivor and the merge record.
  await db
    .updateTable('customers')
    .set({
      merged_into: survivor.id,
      ...NO_PERSONAL_DATA,
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', merged.id)
    .execute();
  await recordAudit(db, actor, {
    action: 'customer.merged',
    entityType: 'customer',
    entityId: survivor.id,
    changes: { mergedId: merged.id, reason: input.reason, mergeId },
  });
  return { mergeId, survivorId: survivor.id, mergedId: merged.id };
}

export async function getMerge(db: Kysely<DB>, workspaceId: string, mergeId: string): Promise<Merge> {
  const row = await db
    .selectFrom('customer_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', mergeId)
    .executeTakeFirst();
  if (!row) throw notFound('Merge', mergeId);
  return toMerge(row);
}

/** The merges a live profile survived, newest first. */
export async function listMergesBySurvivor(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<Merge[]> {
  await requireCustomer(db, workspaceId, customerId);
  const rows = await db
    .selectFrom('customer_merges')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('survivor_id', '=', customerId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toMerge);
}

/** An explicit merge of two profiles, answered with its record. */
export async function mergeProfiles(
  db: Kysely<DB>,
  actor: Actor,
  input: { customerId: string; otherId: string; reason: string },
): Promise<Merge> {
  const result = await mergeCustomers(db, actor, input);
  return getMerge(db, actor.workspaceId, result.mergeId);
}
