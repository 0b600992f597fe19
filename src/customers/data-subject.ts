import { sql, type Kysely } from 'kysely';
import { actorColumns, type Actor } from '../auth/actor.js';
import type { DB, JsonObject } from '../db/tables.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { resolveCustomer } from './lookup.js';
import { CUSTOMER_REFERENCES, ERASABLE_TEXT, NO_PERSONAL_DATA } from './references.js';
import { scrubIngestedEvents } from '../ingest/erase.js';
import { forStaff } from '../messages/withheld.js';

type MessageText = { subject: string | null; body: string | null; payload: JsonObject };

/** Ids of a customer and every profile merged into it: personal data may sit under any of them. */
async function profileIds(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<string[]> {
  const merged = await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', customerId)
    .execute();
  return [customerId, ...merged.map((row) => row.id)];
}

/** Records a data-subject request, fulfilled at once, with who asked. */
async function recordRequest(
  db: Kysely<DB>,
  actor: Actor,
  request: { customerId: string; kind: 'export' | 'erase'; reason: string | null; at: Date },
): Promise<string> {
  const id = newId('dsr');
  const { actor_kind, actor_id } = actorColumns(actor);
  await db
    .insertInto('dsr_requests')
    .values({
      workspace_id: actor.workspaceId,
      id,
      customer_id: request.customerId,
      kind: request.kind,
      reason: request.reason,
      requested_by_kind: actor_kind,
      requested_by_id: actor_id,
      requested_at: request.at,
      completed_at: request.at,
    })
    .execute();
  return id;
}

function rowsToJson(rows: Array<Record<string, unknown>>): JsonObject[] {
  return JSON.parse(JSON.stringify(rows)) as JsonObject[];
}

/**
 * Everything held about one customer, as JSON: the profile, every row of every table
 * that points at them, their merge records and the audit entries about them. The
 * request is recorded.
 */
export async function exportCustomerData(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  reason: string | null = null,
): Promise<{ requestId: string; exportedAt: string; customerId: string; data: Record<string, JsonObject[]> }> {
  const customer = await resolveCustomer(db, actor.workspaceId, customerId);
  const ids = await profileIds(db, actor.workspaceId, customer.id);
  const data: Record<string, JsonObject[]> = {};
  data.customers = rowsToJson(
    await db.selectFrom('customers').selectAll().where('workspace_id', '=', actor.workspaceId).where('id', 'in', ids).execute(),
  );
  for (const ref of CUSTOMER_REFERENCES) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(ref.table)}
      where workspace_id = ${actor.workspaceId} and ${sql.ref(ref.column)} in (${sql.join(ids)})`.execute(db);
    const key = ref.column === 'customer_id' ? ref.table : `${ref.table}_as_${ref.column.replace(/_customer_id$/, '')}`;
    data[key] = rowsToJson(result.rows);
  }
  // Staff download the export: a survey link in a message stays withheld (src/messages/withheld.ts).
  data.messages = (data.messages ?? []).map((row) => forStaff(row as JsonObject & MessageText));
  const holdingIds = [...(data.holdings ?? []), ...(data.holdings_as_payer ?? [])].map((row) => String(row.id));
  data.usage_records =
    holdingIds.length === 0
      ? []
      : rowsToJson(
          await db
            .selectFrom('usage_records')
            .selectAll()
            .where('workspace_id', '=', actor.workspaceId)
            .where('holding_id', 'in', holdingIds)
            .orderBy('period_start')
            .execute(),
        );
  data.customer_merges = rowsToJson(
    await db
      .selectFrom('customer_merges')
      .selectAll()
      .where('workspace_id', '=', actor.workspaceId)
      .where((eb) => eb.or([eb('survivor_id', 'in', ids), eb('merged_id', 'in', ids)]))
      .execute(),
  );
  data.audit_log = rowsToJson(
    await db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', actor.workspaceId)
      .where('entity_type', '=', 'customer')
      .where('entity_id', 'in', ids)
      .orderBy('occurred_at')
      .execute(),
  );
  const now = new Date();
  const requestId = await recordRequest(db, actor, { customerId: customer.id, kind: 'export', reason, at: now });
  await recordAudit(db, actor, { action: 'customer.exported', entityType: 'customer', entityId: customer.id, changes: { requestId } });
  return { requestId, exportedAt: toIso(now), customerId: customer.id, data };
}

/**
 * Erases a customer's personal data from every table and keeps what aggregates need:
 * holdings, usage and transaction amounts stay, pointing at a profile with no name,
 * traits, identities, consent, household membership or event payloads. The request is
 * recorded with who asked and when.
 */
export async function eraseCustomer(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  reason: string | null = null,
): Promise<{ requestId: string; customerId: string; erasedAt: string; profilesErased: number }> {
  const workspaceId = actor.workspaceId;
  const customer = await resolveCustomer(db, workspaceId, customerId);
  const ids = await profileIds(db, workspaceId, customer.id);

  const identities = await db
    .deleteFrom('customer_identities')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .returning(['kind', 'value'])
    .execute();
  await scrubIngestedEvents(db, workspaceId, {
    userIds: identities.filter((i) => i.kind === 'user_id').map((i) => i.value),
    anonymousIds: identities.filter((i) => i.kind === 'anonymous_id').map((i) => i.value),
  });
  await db.deleteFrom('consent_events').where('workspace_id', '=', workspaceId).where('customer_id', 'in', ids).execute();
  const memberships = await db
    .deleteFrom('household_members')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .returning('household_id')
    .execute();
  // A household left without members is named after people no longer here ("The Smiths"):
  // its name goes, here and in the audit entries that recorded it.
  const emptied = await db
    .updateTable('households')
    .set({ name: 'Erased household', updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', memberships.length ? memberships.map((m) => m.household_id) : [''])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('household_members as m')
            .select('m.customer_id')
            .where('m.workspace_id', '=', workspaceId)
            .whereRef('m.household_id', '=', 'households.id'),
        ),
      ),
    )
    .returning('id')
    .execute();
  if (emptied.length) {
    await db
      .updateTable('audit_log')
      .set({ changes: '{}' })
      .where('workspace_id', '=', workspaceId)
      .where('entity_type', '=', 'household')
      .where(
        'entity_id',
        'in',
        emptied.map((h) => h.id),
      )
      .execute();
  }
  await db
    .updateTable('customer_events')
    .set({ properties: '{}', context: '{}' })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .execute();
  await db
    .updateTable('holdings')
    .set({ external_ref: null, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .execute();
  await db
    .updateTable('transactions')
    .set({ description: null })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .execute();
  for (const text of ERASABLE_TEXT) {
    await sql`update ${sql.table(text.table)} set ${sql.ref(text.column)} = ${text.empty}
      where workspace_id = ${workspaceId} and customer_id in (${sql.join(ids)})`.execute(db);
  }
  // A message still waiting for an erased customer is never sent.
  await db
    .updateTable('messages')
    .set({ status: 'suppressed', reason: 'erased', updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', ids)
    .where('status', '=', 'queued')
    .execute();
  await db
    .updateTable('customer_merges')
    .set({ merged_profile: '{}', identity: null })
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('survivor_id', 'in', ids), eb('merged_id', 'in', ids)]))
    .execute();
  await db
    .updateTable('audit_log')
    .set({ changes: '{}' })
    .where('workspace_id', '=', workspaceId)
    .where('entity_type', '=', 'customer')
    .where('entity_id', 'in', ids)
    .execute();
  const erasedAt = new Date();
  await db
    .updateTable('customers')
    .set({
      ...NO_PERSONAL_DATA,
      erased_at: erasedAt,
      updated_at: erasedAt,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', ids)
    .execute();
  const requestId = await recordRequest(db, actor, { customerId: customer.id, kind: 'erase', reason, at: erasedAt });
  await recordAudit(db, actor, {
    action: 'customer.erased',
    entityType: 'dsr_request',
    entityId: requestId,
    changes: { customerId: customer.id },
  });
  return { requestId, customerId: customer.id, erasedAt: toIso(erasedAt), profilesErased: ids.length };
}
