import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { normalizeIdentity, workspaceCountry } from '../customers/identities.js';
import type { IdentityInput } from '../customers/schemas.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { patchTraits } from '../customers/traits.js';
import { recordAudit } from '../workspaces/audit.js';

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
  const owners = await sql<{ customer_id: string }>`
    select coalesce(c.merged_into, c.id) as customer_id
    from customer_identities i join customers c on c.workspace_id = i.workspace_id and c.id = i.customer_id
    where i.workspace_id = ${actor.workspaceId}
      and (i.kind, i.namespace, i.value) in (${sql.join(keys.map((k) => sql`(${k.kind}, ${k.namespace}, ${k.value})`))})`.execute(db);
  const distinct = new Set(owners.rows.map((row) => row.customer_id));
  const [customerId] = distinct;
  if (owners.rows.length !== keys.length || distinct.size !== 1 || !customerId) return undefined;
  const traits = patchTraits(input.traits);
  const name = input.displayName ?? null;
  const changed = await sql`
    update customers set traits = ${traits}, display_name = coalesce(${name}::text, display_name), updated_at = now()
    where workspace_id = ${actor.workspaceId} and id = ${customerId}
      and (${traits} is distinct from traits or (${name}::text is not null and display_name is distinct from ${name}::text))
    returning id`.execute(db);
  if (changed.rows.length) {
    await recordAudit(db, actor, {
      action: 'customer.updated',
      entityType: 'customer',
      entityId: customerId,
      changes: { traits: input.traits, ...(name ? { displayName: name } : {}) },
    });
  }
  return customerId;
}
