import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { workspaceCountry } from './identities.js';
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

/** Best first: the text starts with the query, then a word in it does, then it merely contains it; ties alphabetically. */
function rankByText<T>(rows: T[], text: (row: T) => string, q: string): T[] {
  const needle = q.toLowerCase();
  const rank = (value: string): number => {
    const lower = value.toLowerCase();
    if (lower.startsWith(needle)) return 0;
    if (lower.split(/[\s@._-]+/).some((word) => word.startsWith(needle))) return 1;
    return 2;
  };
  return rows
    .map((row) => ({ row, rank: rank(text(row)), text: text(row) }))
    .sort((a, b) => a.rank - b.rank || a.text.localeCompare(b.text))
    .map((entry) => entry.row);
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

  // A whole identity names its customer; fragments are for partial input. Fragment
  // queries take the first matches the trigram index yields and rank them here, so
  // that a common fragment costs no more than a rare one.
  if (matches.size === 0 && q.length >= 2) {
    const pattern = `%${escapeLike(q)}%`;
    const byName = await db
      .selectFrom('customers')
      .select(['id', 'display_name'])
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .where('display_name', 'ilike', pattern)
      .limit(limit * 5)
      .execute();
    for (const row of rankByText(byName, (r) => r.display_name ?? '', q).slice(0, limit)) matches.set(row.id, 'name');
  }
  if (matches.size < limit && q.length >= 3 && exact.length === 0) {
    const byIdentity = await db
      .selectFrom('customer_identities')
      .select(['customer_id', 'kind', 'value'])
      .where('workspace_id', '=', workspaceId)
      .where('value', 'ilike', `%${escapeLike(q)}%`)
      .limit(limit * 5)
      .execute();
    for (const row of rankByText(byIdentity, (r) => r.value, q)) {
      if (matches.size >= limit) break;
      if (!matches.has(row.customer_id)) matches.set(row.customer_id, row.kind);
    }
  }
  const ids = [...matches.keys()].slice(0, limit);
  if (ids.length === 0) return [];
  return listCustomerSummaries(db, workspaceId, ids, matches);
}

/** A search when there is a query, the newest customers when there is none. */
export async function findCustomers(
  db: Kysely<DB>,
  options: { workspaceId: string; q?: string | undefined; limit: number },
): Promise<SearchResult[]> {
  const q = options.q?.trim();
  if (!q) return listRecentCustomers(db, options.workspaceId, options.limit);
  const defaultCountry = await workspaceCountry(db, options.workspaceId);
  return searchCustomers(db, { workspaceId: options.workspaceId, q, limit: options.limit, defaultCountry });
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
  return listCustomerSummaries(
    db,
    workspaceId,
    rows.map((r) => r.id),
    new Map(),
  );
}

async function listCustomerSummaries(
  db: Kysely<DB>,
  workspaceId: string,
  ids: string[],
  matchedOn: Map<string, string>,
): Promise<SearchResult[]> {
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
