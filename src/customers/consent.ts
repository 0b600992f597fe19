import { sql, type Kysely } from 'kysely';
import { actorColumns, type Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { newId } from '../ids.js';
import { requireCustomer } from './lookup.js';
import { toConsent, type Consent } from './mappers.js';
import type { ConsentInput } from './schemas.js';

/** Appends one consent change to a live profile given by id (the API's entry point). */
export async function recordConsentForCustomer(db: Kysely<DB>, actor: Actor, customerId: string, input: ConsentInput): Promise<Consent> {
  await requireCustomer(db, actor.workspaceId, customerId);
  return recordConsent(db, actor, customerId, input);
}

/** Appends one consent change; history is never rewritten. */
export async function recordConsent(db: Kysely<DB>, actor: Actor, customerId: string, input: ConsentInput): Promise<Consent> {
  const row = await db
    .insertInto('consent_events')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('cns'),
      customer_id: customerId,
      purpose: input.purpose,
      channel: input.channel,
      status: input.status,
      source: input.source,
      evidence: input.evidence ? JSON.stringify(input.evidence as JsonObject) : null,
      ...(input.recordedAt ? { recorded_at: input.recordedAt } : {}),
      ...actorColumns(actor),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toConsent(row);
}

/** The current consent per purpose and channel: the latest entry of each. */
export async function listCurrentConsent(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<Consent[]> {
  const rows = await db
    .selectFrom('consent_events')
    .select(['id', 'purpose', 'channel', 'status', 'source', 'evidence', 'recorded_at', 'actor_kind', 'actor_id'])
    .distinctOn(['purpose', 'channel'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('purpose')
    .orderBy('channel')
    .orderBy('recorded_at', 'desc')
    .orderBy('seq', 'desc')
    .execute();
  return rows.map(toConsent);
}

export async function listConsentHistory(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<Consent[]> {
  await requireCustomer(db, workspaceId, customerId);
  const rows = await db
    .selectFrom('consent_events')
    .select(['id', 'purpose', 'channel', 'status', 'source', 'evidence', 'recorded_at', 'actor_kind', 'actor_id'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('recorded_at', 'desc')
    .orderBy('seq', 'desc')
    .execute();
  return rows.map(toConsent);
}

/** Whether the customer currently consents to a purpose on a channel (no record means no). */
export async function hasConsent(
  db: Kysely<DB>,
  workspaceId: string,
  customerId: string,
  purpose: ConsentInput['purpose'],
  channel: ConsentInput['channel'],
): Promise<boolean> {
  const row = await db
    .selectFrom('consent_events')
    .select(sql<boolean>`status = 'granted'`.as('granted'))
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('purpose', '=', purpose)
    .where('channel', '=', channel)
    .orderBy('recorded_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.granted ?? false;
}
