import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { findIdentityOwners, normalizeIdentity, workspaceCountry } from '../customers/identities.js';
import type { IdentityInput } from '../customers/schemas.js';
import { updateKnownProfile } from '../customers/service.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';

/**
 * The common identify in two statements: every identity it names already belongs to one
 * profile, so only traits and name can change. One lookup, one UPDATE that writes only
 * when a value differs, and an audit entry only then. Returns undefined when the identify
 * needs full resolution (a new identity, two profiles to merge, a trait to remove).
 */
export async function identifyKnownCustomer(
  db: Kysely<DB>,
  actor: Actor,
  input: { identities: IdentityInput[]; traits: JsonObject; displayName: string | undefined },
): Promise<string | undefined> {
  if (Object.values(input.traits).some((value) => value === null)) return undefined;
  const country = input.identities.some((i) => i.kind === 'phone') ? await workspaceCountry(db, actor.workspaceId) : '';
  const keys = input.identities.map((identity) => normalizeIdentity(identity, '', country));
  if (keys.length === 0) return undefined;
  const owners = await findIdentityOwners(db, actor.workspaceId, keys);
  const distinct = new Set(owners.map((row) => row.customerId));
  const [customerId] = distinct;
  if (owners.length !== keys.length || distinct.size !== 1 || !customerId) return undefined;
  await updateKnownProfile(db, actor, customerId, { traits: input.traits, displayName: input.displayName ?? null });
  return customerId;
}
