import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { CustomerRow } from './tables.js';
import type { DB } from '../db/schema.js';
import { inPartition, type Partition } from '../db/partition.js';
import { AppError, notFound } from '../errors.js';

/** Raised when an id belongs to a profile merged into another; routes answer with a redirect. */
export class MergedCustomerError extends AppError {
  constructor(
    readonly mergedId: string,
    readonly survivorId: string,
  ) {
    super(
      'not_found',
      `Customer ${mergedId} was merged into ${survivorId}`,
      { mergedInto: survivorId },
      { from: mergedId, to: survivorId },
    );
  }
}

/**
 * The customer row for an id as stored, erased or merged ones included (a survey link names
 * the customer it was sent to, and tells an erased one apart from an unknown one).
 */
export async function findCustomerRow(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', customerId).executeTakeFirst();
}

/** The ids of the profiles merged into a customer, as a subquery (`id in …`). */
export function mergedIdsQuery(db: Kysely<DB>, workspaceId: string, customerId: string) {
  return db.selectFrom('customers').select('id').where('workspace_id', '=', workspaceId).where('merged_into', '=', customerId);
}

/**
 * A workspace's live profiles (not merged into another, not erased) as `c`, a query to narrow
 * and page: the relationship survey sweep asks each of them once per period.
 */
export function liveCustomersQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('customers as c')
    .select('c.id')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.merged_into', 'is', null)
    .where('c.erased_at', 'is', null);
}

/** Customers' display names, as a subquery to join: a list of follow-ups names each customer in the same query. */
export function customerNamesQuery(db: Kysely<DB>) {
  return db.selectFrom('customers').select(['workspace_id', 'id', 'display_name']);
}

/**
 * The live customer row for an id in a workspace. A merged id throws MergedCustomerError
 * naming the survivor (callers that accept the redirect use `resolveCustomer`); an
 * unknown id, another workspace's id or an erased customer is not found.
 */
export async function requireCustomer(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<CustomerRow> {
  const row = await findCustomerRow(db, workspaceId, customerId);
  if (!row || row.erased_at) throw notFound('Customer', customerId);
  if (row.merged_into) throw new MergedCustomerError(customerId, row.merged_into);
  return row;
}

/** Like `requireCustomer`, but follows a merge to the survivor. */
export async function resolveCustomer(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<CustomerRow> {
  try {
    return await requireCustomer(db, workspaceId, customerId);
  } catch (error) {
    if (error instanceof MergedCustomerError) return requireCustomer(db, workspaceId, error.survivorId);
    throw error;
  }
}

/**
 * Display names for customer ids, for capabilities that list things about customers and show
 * them to people by name (the outbox). An id without a name (none given, or erased) maps to
 * null; an unknown id is left out.
 */
export async function customerDisplayNames(db: Kysely<DB>, workspaceId: string, ids: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'display_name'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/** A workspace's profiles as a subquery other capabilities join for a name (`.as('c')`), merged ones included. */
export function customersQuery(db: Kysely<DB>, workspaceId: string) {
  return db.selectFrom('customers').select(['id', 'display_name']).where('workspace_id', '=', workspaceId);
}

/**
 * Locks a profile row until the transaction ends, for a capability that serialises its own
 * writes per customer (loyalty debits). `for no key update` does not block foreign keys
 * pointing at the row. Not found when there is no such row.
 */
export async function lockCustomer(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<void> {
  const row = await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', customerId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Customer', customerId);
}

/** Locks the profile rows a subquery names (as lockCustomer), in id order so that two lockers never deadlock. */
export async function lockCustomers<TB extends keyof DB>(
  db: Kysely<DB>,
  workspaceId: string,
  customerIds: SelectQueryBuilder<DB, TB, { customer_id: string }>,
): Promise<void> {
  await db
    .selectFrom('customers')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', customerIds)
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}

/**
 * How many profiles the workspace has: every one ever made, or (`live`) those not merged
 * into another, optionally only in one part of the customers.
 */
export async function countCustomers(
  db: Kysely<DB>,
  workspaceId: string,
  options: { live?: boolean; part?: Partition | undefined } = {},
): Promise<number> {
  let query = db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where(inPartition(sql.ref('id'), options.part));
  if (options.live) query = query.where('merged_into', 'is', null);
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}
