import { sql, type Kysely } from 'kysely';
import { actorColumns, type Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { JsonObject, JsonValue } from '../db/columns.js';
import { newId } from '../ids.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { resolveCustomer } from './lookup.js';
import { CUSTOMER_DATA } from './customer-data-registry.js';
import { within, type DataSubject } from './data-classification.js';

/**
 * A customer as export and erasure see them: the profile and every profile merged into it
 * (personal data may sit under any of them), the ids their ingested events carry, and their
 * households. Gathered before anything changes, so each erasure step finds its rows
 * whatever the steps before it emptied or deleted.
 */
async function gatherSubject(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<DataSubject> {
  const merged = await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', customerId)
    .execute();
  const customerIds = [customerId, ...merged.map((row) => row.id)];
  const identities = await db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', customerIds)
    .where('kind', 'in', ['user_id', 'anonymous_id', 'email', 'phone'])
    .execute();
  const households = await sql<{ household_id: string; sole: boolean }>`
    select household_id, bool_and(${within('customer_id', customerIds)}) as sole
    from household_members
    where workspace_id = ${workspaceId}
      and household_id in (select household_id from household_members where workspace_id = ${workspaceId} and ${within('customer_id', customerIds)})
    group by household_id`.execute(db);
  return {
    workspaceId,
    customerIds,
    userIds: identities.filter((i) => i.kind === 'user_id').map((i) => i.value),
    anonymousIds: identities.filter((i) => i.kind === 'anonymous_id').map((i) => i.value),
    emails: identities.filter((i) => i.kind === 'email').map((i) => i.value),
    phones: identities.filter((i) => i.kind === 'phone').map((i) => i.value),
    householdIds: households.rows.map((h) => h.household_id),
    soleHouseholdIds: households.rows.filter((h) => h.sole).map((h) => h.household_id),
  };
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

/**
 * A survey link's token (`<workspace>.<invitation>.<expiry>.<signature>`, see
 * src/feedback/links.ts): whoever holds it answers as the customer, so it is a credential
 * wherever it was copied (a message's body and payload, a reply quoting it).
 */
const SURVEY_LINK_TOKEN = /ws_[0-9a-z]+\.inv_[0-9a-z]+\.[0-9a-z]{1,12}\.[A-Za-z0-9_-]{32}/g;
const REDACTED = '[redacted]';

/** A copy of a JSON value with every credential, and every survey link token, in its strings replaced. */
function redact(value: JsonValue, secrets: readonly string[]): JsonValue {
  if (typeof value === 'string') {
    let text = value.replace(SURVEY_LINK_TOKEN, REDACTED);
    for (const secret of secrets) text = text.split(secret).join(REDACTED);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, secrets)]));
  }
  return value;
}

/**
 * Everything held about one customer, as JSON: each capability's export section (the rows
 * its classification places with them; src/customers/customer-data-registry.ts), for the
 * profile and every profile merged into it, as stored, except credentials: credential columns
 * are left out and their values, and survey link tokens, are redacted wherever they were
 * copied. The request is recorded.
 */
export async function exportCustomerData(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  reason: string | null = null,
): Promise<{ requestId: string; exportedAt: string; customerId: string; data: Record<string, JsonObject[]> }> {
  const customer = await resolveCustomer(db, actor.workspaceId, customerId);
  const subject = await gatherSubject(db, actor.workspaceId, customer.id);
  const secrets = new Set<string>();
  const tables: Record<string, JsonObject[]> = {};
  for (const part of CUSTOMER_DATA) {
    const section = await part.exportSection(db, subject);
    Object.assign(tables, section.tables);
    for (const secret of section.credentials) secrets.add(secret);
  }
  const data = redact(tables, [...secrets]) as Record<string, JsonObject[]>;
  const now = new Date();
  const requestId = await recordRequest(db, actor, { customerId: customer.id, kind: 'export', reason, at: now });
  await recordAudit(db, actor, { action: 'customer.exported', entityType: 'customer', entityId: customer.id, changes: { requestId } });
  return { requestId, exportedAt: toIso(now), customerId: customer.id, data };
}

/**
 * Erases a customer's personal data, for the profile and every profile merged into it: each
 * capability's erase step, in registry order, empties every column its classification marks
 * personal (or deletes the rows) in every row it places with them, pending ingested events
 * included, and stops what is still on its way to them. What aggregates need stays:
 * holdings, usage, amounts, scores and counts, pointing at a profile with no personal data.
 * The request is recorded with who asked and when.
 */
export async function eraseCustomer(
  db: Kysely<DB>,
  actor: Actor,
  customerId: string,
  reason: string | null = null,
): Promise<{ requestId: string; customerId: string; erasedAt: string; profilesErased: number }> {
  const workspaceId = actor.workspaceId;
  const customer = await resolveCustomer(db, workspaceId, customerId);
  const subject = await gatherSubject(db, workspaceId, customer.id);
  const ids = subject.customerIds;
  for (const part of CUSTOMER_DATA) await part.eraseStep(db, subject);
  const erasedAt = new Date();
  await db
    .updateTable('customers')
    .set({ erased_at: erasedAt, updated_at: erasedAt })
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
