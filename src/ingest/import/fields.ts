import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { JsonObject, JsonValue } from '../../db/columns.js';
import { AppError, invalid } from '../../errors.js';
import { FREE_JSON_LIMITS, findInputIssue, freeJsonProblem } from '../../http/input-guard.js';
import { findIdentityOwner, normalizeIdentity, type IdentityKey } from '../../customers/identities.js';
import type { IdentityInput } from '../../customers/schemas.js';
import { resolveCustomer } from '../../customers/lookup.js';

/** One row of an import file: CSV columns as text, or an NDJSON object as sent. */
export type ImportRow = Record<string, JsonValue>;

/** A text field, trimmed; blank counts as absent. */
export function optionalText(row: ImportRow, field: string, max = 500): string | undefined {
  const value = row[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`/${field}`, 'must be text');
  const text = String(value).trim();
  if (text === '') return undefined;
  if (text.length > max) throw invalid(`/${field}`, `is longer than ${max} characters`);
  return text;
}

export function requiredText(row: ImportRow, field: string, max = 500): string {
  const text = optionalText(row, field, max);
  if (text === undefined) throw invalid(`/${field}`, 'is required');
  return text;
}

export function optionalInteger(row: ImportRow, field: string, min = 0): number | undefined {
  const text = optionalText(row, field, 40);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min)
    throw invalid(`/${field}`, `must be a whole number${min === 0 ? ' of 0 or more' : ''}, got "${text}"`);
  return value;
}

export function requiredInteger(row: ImportRow, field: string, min = 0): number {
  const value = optionalInteger(row, field, min);
  if (value === undefined) throw invalid(`/${field}`, 'is required');
  return value;
}

/** An ISO 8601 time, returned as ISO text (a date alone is midnight UTC). */
export function optionalTime(row: ImportRow, field: string): string | undefined {
  const text = optionalText(row, field, 40);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw invalid(`/${field}`, `is not an ISO 8601 date or time: "${text}"`);
  return new Date(ms).toISOString();
}

export function requiredTime(row: ImportRow, field: string): string {
  const value = optionalTime(row, field);
  if (value === undefined) throw invalid(`/${field}`, 'is required');
  return value;
}

export function requiredDate(row: ImportRow, field: string): string {
  const text = requiredText(row, field, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !Number.isFinite(Date.parse(text)))
    throw invalid(`/${field}`, `must be a date YYYY-MM-DD, got "${text}"`);
  return text;
}

export function jsonObject(row: ImportRow, field: string): JsonObject | undefined {
  const value = row[field];
  if (value === undefined || value === null || value === '') return undefined;
  let object: JsonObject | undefined;
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as JsonValue;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) object = parsed;
    } catch {
      // reported below
    }
  } else if (typeof value === 'object' && !Array.isArray(value)) object = value;
  if (!object) throw invalid(`/${field}`, 'must be a JSON object');
  // A CSV cell is JSON text the row's guard saw only as text: the edge's checks apply to what it holds.
  const issue = findInputIssue(object, FREE_JSON_LIMITS.depth);
  if (issue) throw invalid(`/${field}${issue.path === '/' ? '' : issue.path}`, issue.message);
  const problem = freeJsonProblem(object);
  if (problem) throw invalid(`/${field}`, problem);
  return object;
}

/** Normalises an identity given in one column; a problem is reported under that column's name. */
export function identityFromColumn(input: IdentityInput, field: string, country: string): IdentityKey {
  try {
    return normalizeIdentity(input, '', country);
  } catch (error) {
    const issue = error instanceof AppError ? error.details.issues?.[0] : undefined;
    if (issue) throw invalid(`/${field}`, issue.message);
    throw error;
  }
}

/**
 * The customer a row of identities, holdings or transactions is about: `customer_id`, or any
 * identity they already have (`customer_email`, `customer_phone`, `customer_user_id`, or
 * `customer_external_system` with `customer_external_id`).
 */
export async function locateCustomer(db: Kysely<DB>, workspaceId: string, country: string, row: ImportRow): Promise<string> {
  const id = optionalText(row, 'customer_id', 64);
  if (id) return (await resolveCustomer(db, workspaceId, id)).id;
  const candidates: Array<[string, 'email' | 'phone' | 'user_id' | 'external']> = [
    ['customer_email', 'email'],
    ['customer_phone', 'phone'],
    ['customer_user_id', 'user_id'],
    ['customer_external_id', 'external'],
  ];
  for (const [field, kind] of candidates) {
    const value = optionalText(row, field, 320);
    if (!value) continue;
    const system = kind === 'external' ? requiredText(row, 'customer_external_system', 64) : undefined;
    const key = identityFromColumn({ kind, value, ...(system ? { system } : {}) }, field, country);
    const owner = await findIdentityOwner(db, workspaceId, key);
    if (!owner) throw invalid(`/${field}`, `no customer has ${kind === 'external' ? `${system} id` : kind} ${value}`);
    return (await resolveCustomer(db, workspaceId, owner)).id;
  }
  throw invalid(
    '/customer_id',
    'name the customer: customer_id, customer_email, customer_phone, customer_user_id or customer_external_system + customer_external_id',
  );
}
