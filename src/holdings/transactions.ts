import { sql, type Kysely } from 'kysely';
import { decodeCursor, exactTime, nextCursor, olderThan } from '../db/cursor.js';
import type { Actor } from '../auth/actor.js';
import { resolveCustomer } from '../customers/lookup.js';
import { normalizeCurrency } from '../customers/normalize.js';
import type { DB } from '../db/schema.js';
import { invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { recordAudit } from '../workspaces/audit.js';
import { toTransaction } from './mappers.js';
import type { Transaction, TransactionInput, TransactionQuery } from './schemas.js';
import { requireHoldingRow } from './service.js';

async function findByExternalId(db: Kysely<DB>, workspaceId: string, source: string, externalId: string): Promise<Transaction | undefined> {
  const row = await db
    .selectFrom('transactions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row ? toTransaction(row) : undefined;
}

/**
 * A workspace's transactions as a subquery other capabilities compose (`.as('t')`): the
 * giving engine's fee and thank-you finders and loyalty's purchase points read it.
 */
export function transactionsQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('transactions')
    .select(['id', 'customer_id', 'holding_id', 'kind', 'amount_minor', 'currency', 'description', 'occurred_at'])
    .where('workspace_id', '=', workspaceId);
}

/**
 * Records a transaction. One with a (source, externalId) already recorded is not
 * recorded again: the first is returned with `created: false`, so imports can be re-run.
 */
export async function recordTransaction(
  db: Kysely<DB>,
  actor: Actor,
  input: TransactionInput,
): Promise<{ transaction: Transaction; created: boolean }> {
  const workspaceId = actor.workspaceId;
  const source = input.source ?? null;
  const externalId = input.externalId ?? null;
  // The unique key is (source, externalId); without a source, nulls never collide.
  if (externalId !== null && source === null) throw invalid('/source', 'is required with externalId: the pair identifies the transaction');
  if (source !== null && externalId !== null) {
    const existing = await findByExternalId(db, workspaceId, source, externalId);
    if (existing) return { transaction: existing, created: false };
  }

  const customer = await resolveCustomer(db, workspaceId, input.customerId);
  const currency = normalizeCurrency(input.amount.currency, '/amount/currency');
  if (input.holdingId) {
    const holding = await requireHoldingRow(db, workspaceId, input.holdingId);
    if (holding.customer_id !== customer.id && holding.payer_customer_id !== customer.id) {
      throw invalid('/holdingId', `holding ${holding.id} is neither held nor paid for by customer ${customer.id}`);
    }
  }

  const row = await db
    .insertInto('transactions')
    .values({
      workspace_id: workspaceId,
      id: newId('txn'),
      customer_id: customer.id,
      holding_id: input.holdingId ?? null,
      kind: input.kind,
      amount_minor: input.amount.amountMinor,
      currency,
      description: input.description ?? null,
      occurred_at: new Date(input.occurredAt),
      source,
      external_id: externalId,
    })
    // A concurrent import of the same transaction may have won the race since the check above.
    .onConflict((oc) => oc.columns(['workspace_id', 'source', 'external_id']).where('external_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const existing = source !== null && externalId !== null ? await findByExternalId(db, workspaceId, source, externalId) : undefined;
    if (!existing) throw new Error('transaction insert conflicted but no existing transaction was found');
    return { transaction: existing, created: false };
  }
  const transaction = toTransaction(row);
  await recordAudit(db, actor, {
    action: 'transaction.recorded',
    entityType: 'transaction',
    entityId: transaction.id,
    changes: { customerId: transaction.customerId, kind: transaction.kind, amount: transaction.amount, source, externalId },
  });
  return { transaction, created: true };
}

export async function getTransaction(db: Kysely<DB>, workspaceId: string, id: string): Promise<Transaction> {
  const row = await db
    .selectFrom('transactions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Transaction', id);
  return toTransaction(row);
}

/** A customer's transactions, newest first; `before` is the `nextCursor` of the previous page. A merged id lists the survivor's. */
export async function listTransactionsByCustomer(
  db: Kysely<DB>,
  workspaceId: string,
  query: TransactionQuery,
): Promise<{ data: Transaction[]; nextCursor: string | null }> {
  const customer = await resolveCustomer(db, workspaceId, query.customerId);
  let select = db
    .selectFrom('transactions')
    .selectAll()
    .select(exactTime(sql`occurred_at`).as('cursor_at'))
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customer.id)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit);
  if (query.before) select = select.where(olderThan(sql`occurred_at`, sql`id`, decodeCursor(query.before, '/before')));
  const rows = await select.execute();
  return {
    data: rows.map(toTransaction),
    nextCursor: nextCursor(
      rows.map((row) => ({ id: row.id, cursorAt: row.cursor_at })),
      query.limit,
    ),
  };
}
