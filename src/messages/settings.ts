import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Settings } from './schemas.js';

const DEFAULTS: Settings = { defaultLanguage: 'en', capCount: 4, capDays: 7 };

/** A workspace's message settings, or the defaults when it has none stored. */
export async function getSettings(db: Kysely<DB>, workspaceId: string): Promise<Settings> {
  const row = await db.selectFrom('message_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? { defaultLanguage: row.default_language, capCount: row.cap_count, capDays: row.cap_days } : DEFAULTS;
}

export async function updateSettings(db: Kysely<DB>, workspaceId: string, changes: Partial<Settings>): Promise<Settings> {
  const next = { ...(await getSettings(db, workspaceId)), ...changes };
  const values = { default_language: next.defaultLanguage, cap_count: next.capCount, cap_days: next.capDays, updated_at: new Date() };
  await db
    .insertInto('message_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  return next;
}
