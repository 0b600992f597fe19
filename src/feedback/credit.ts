import { sql, type Kysely, type SqlBool } from 'kysely';
import { mergedIdsQuery } from '../customers/lookup.js';
import type { DB } from '../db/schema.js';
import { auditLogQuery } from '../workspaces/audit.js';

// Agent scorecards decide pay, so an agent must not be able to score themselves. Staff never
// see survey links (they go out through the outbox only, withheld from every staff view) and
// a browser signed in as staff cannot answer; what is left is an agent who controls where the
// link is sent. So a response is not credited to an agent who supplied any of the customer's
// contact points: created the profile (or one merged into it), attached an email address or
// phone number to it, or changed its postal address. The audit log says who did each; the
// rule looks at what was supplied, not at who answered, so it holds however the link was got.

/** Whether `userId` supplied a contact point of the customer, by the audit log. */
export async function suppliedContactPoint(db: Kysely<DB>, workspaceId: string, customerId: string, userId: string): Promise<boolean> {
  const row = await auditLogQuery(db, workspaceId)
    .select('id')
    .where('actor_kind', '=', 'user')
    .where('actor_id', '=', userId)
    .where('entity_type', '=', 'customer')
    .where((eb) => eb.or([eb('entity_id', '=', customerId), eb('entity_id', 'in', mergedIdsQuery(db, workspaceId, customerId))]))
    .where((eb) => {
      const changes = eb.ref('changes');
      return eb.or([
        eb('action', '=', 'customer.created'),
        eb.and([eb('action', '=', 'identity.attached'), sql<SqlBool>`${changes}->>'kind' in ('email', 'phone')`]),
        eb.and([
          eb('action', '=', 'customer.updated'),
          sql<SqlBool>`jsonb_typeof(${changes}->'traits') = 'object' and (${changes}->'traits') ? 'address'`,
        ]),
      ]);
    })
    .limit(1)
    .executeTakeFirst();
  return Boolean(row);
}
