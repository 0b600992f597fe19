import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

// Agent scorecards decide pay, so an agent must not be able to score themselves. Staff never
// see survey links (they go out through the outbox only, withheld from every staff view) and
// a browser signed in as staff cannot answer; what is left is an agent who controls where the
// link is sent. So a response is not credited to an agent who supplied any of the customer's
// contact points: created the profile (or one merged into it), attached an email address or
// phone number to it, or changed its postal address. The audit log says who did each; the
// rule looks at what was supplied, not at who answered, so it holds however the link was got.

/** Whether `userId` supplied a contact point of the customer, by the audit log. */
export async function suppliedContactPoint(db: Kysely<DB>, workspaceId: string, customerId: string, userId: string): Promise<boolean> {
  const result = await sql<{ found: number }>`select 1 as found from audit_log a
    where a.workspace_id = ${workspaceId} and a.actor_kind = 'user' and a.actor_id = ${userId} and a.entity_type = 'customer'
      and (a.entity_id = ${customerId} or a.entity_id in (
        select c.id from customers c where c.workspace_id = ${workspaceId} and c.merged_into = ${customerId}))
      and (a.action = 'customer.created'
        or (a.action = 'identity.attached' and a.changes->>'kind' in ('email', 'phone'))
        or (a.action = 'customer.updated' and jsonb_typeof(a.changes->'traits') = 'object' and (a.changes->'traits') ? 'address'))
    limit 1`.execute(db);
  return result.rows.length > 0;
}
