import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/tables.js';
import { normalizePhone } from './normalize.js';

export interface SearchResult {
  id: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  matchedOn: string;
}

/** Values a query could be stored as: itself, lower-cased (emails), and as E.164 (phones). */
function exactCandidates(q: string, defaultCountry: string): string[] {
  const candidates = new Set([q, q.toLowerCase()]);
  if (/^[+\d][\d\s().-]{5,}$/.test(q)) {
    try {
      candidates.add(normalizePhone(q, '/q', defaultCountry));
    } catch {
      // not a phone number; the other candidates still apply
    }
  }
  return [...candidates];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Finds customers by any identity value (exact, then as a fragment) or a fragment of
 * the name. Exact identity matches come first; merged and erased profiles never appear.
 */
export async function searchCustomers(
  db: Kysely<DB>,
  options: { workspaceId: string; q: string; limit: number; defaultCountry: string },
): Promise<SearchResult[]> {
  const q = options.q.trim();
  const { workspaceId, limit } = options;
  const matches = new Map<string, string>();

  const exact = await db
    .selectFrom('customer_identities')
    .select(['customer_id', 'kind'])
    .where('workspace_id', '=', workspaceId)
    .where('value', 'in', exactCandidates(q, options.defaultCountry))
    .limit(limit)
    .execute();
  for (const row of exact) if (!matches.has(row.customer_id)) matches.set(row.customer_id, row.kind);

  if (matches.size < limit && q.length >= 2) {
    const pattern = `%${escapeLike(q)}%`;
    const byName = await db
      .selectFrom('customers')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .where('display_name', 'ilike', pattern)
      .orderBy(sql`similarity(display_name, ${q})`, 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    for (const row of byName) if (!matches.has(row.id)) matches.set(row.id, 'name');
  }
  if (matches.size < limit && q.length >= 3) {
    const byIdentity = await db
      .selectFrom('customer_identities')
      .select(['customer_id', 'kind'])
      .where('workspace_id', '=', workspaceId)
      .where('value', 'ilike', `%${escapeLike(q)}%`)
      .orderBy('value')
      .limit(limit)
      .execute();
    for (const row of byIdentity) if (!matches.has(row.customer_id)) matches.set(row.customer_id, row.kind);
  }
  const ids = [...matches.keys()].slice(0, limit);
  if (ids.length === 0) return [];
  return listCustomerSummaries(db, workspaceId, ids, matches);
}

/** Newest customers first, for an empty search. */
export async function listRecentCustomers(db: Kysely<DB>, workspaceId: string, limit: number): Promise<SearchResult[]> {
  const rows = await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return listCustomerSummaries(db, workspaceId, rows.map((r) => r.id), new Map());
}

async function listCustomerSummaries(db: Kysely<DB>, workspaceId: string, ids: string[], matchedOn: Map<string, string>): Promise<SearchResult[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('customers as c')
    .select(['c.id', 'c.display_name'])
    .select((eb) =>
      (['email', 'phone'] as const).map((kind) =>
        eb
          .selectFrom('customer_identities as i')
          .select('i.value')
          .whereRef('i.workspace_id', '=', 'c.workspace_id')
          .whereRef('i.customer_id', '=', 'c.id')
          .where('i.kind', '=', kind)
          .orderBy('i.created_at')
          .limit(1)
          .as(kind),
      ),
    )
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', 'in', ids)
    .where('c.merged_into', 'is', null)
    .where('c.erased_at', 'is', null)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [{ id, displayName: row.display_name, email: row.email, phone: row.phone, matchedOn: matchedOn.get(id) ?? 'recent' }] : [];
  });
}
