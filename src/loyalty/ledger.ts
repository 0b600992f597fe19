import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LoyaltyEntryKind } from './tables.js';
import { lockCustomer, lockCustomers } from '../customers/lookup.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { toEntry } from './mappers.js';
import type { Entry } from './schemas.js';

// The points ledger is append-only: a balance is never stored, it is the sum of the
// customer's entries. Every entry carries a source key, unique per workspace, so the same
// purchase, survey answer or redemption never counts twice however often it is replayed.
// Debits (redeem, expire, negative adjust) take the customer's profile row lock first, so
// two concurrent redemptions see each other's entries and can never overdraw (customers'
// lockCustomer: `for no key update` does not block foreign keys pointing at the row).

export interface EntryInput {
  customerId: string;
  kind: LoyaltyEntryKind;
  points: number;
  sourceKey: string;
  ruleId?: string | null;
  reason?: string | null;
  occurredAt?: Date;
  expiresAt?: Date | null;
}

/** The spendable balance: the sum of every entry. */
export async function pointsBalance(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<number> {
  const row = await db
    .selectFrom('loyalty_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points'), sql<number>`0`).as('balance'))
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

async function findBySource(db: Kysely<DB>, workspaceId: string, sourceKey: string) {
  return db
    .selectFrom('loyalty_entries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('source_key', '=', sourceKey)
    .executeTakeFirst();
}

/**
 * Appends one entry. The same source key again returns the first entry with
 * `created: false`. A debit larger than the balance is refused with a conflict; call it
 * inside a transaction (the lock it takes lasts until the transaction ends).
 */
export async function postEntry(db: Kysely<DB>, workspaceId: string, input: EntryInput): Promise<{ entry: Entry; created: boolean }> {
  const existing = await findBySource(db, workspaceId, input.sourceKey);
  if (existing) return { entry: toEntry(existing), created: false };
  if (input.points < 0) {
    await lockCustomer(db, workspaceId, input.customerId);
    // A concurrent call with the same key may have committed while this one waited.
    const replay = await findBySource(db, workspaceId, input.sourceKey);
    if (replay) return { entry: toEntry(replay), created: false };
    const balance = await pointsBalance(db, workspaceId, input.customerId);
    if (balance + input.points < 0) {
      throw new AppError('conflict', `The customer has ${balance} points; ${-input.points} are needed`, {
        balance,
        needed: -input.points,
      });
    }
  }
  const row = await db
    .insertInto('loyalty_entries')
    .values({
      workspace_id: workspaceId,
      id: newId('lpe'),
      customer_id: input.customerId,
      kind: input.kind,
      points: input.points,
      source_key: input.sourceKey,
      rule_id: input.ruleId ?? null,
      reason: input.reason ?? null,
      occurred_at: input.occurredAt ?? new Date(),
      expires_at: input.expiresAt ?? null,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'source_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { entry: toEntry(row), created: true };
  const winner = await findBySource(db, workspaceId, input.sourceKey);
  if (!winner) throw new AppError('conflict', 'The entry collided with another one with the same source key; retry it');
  return { entry: toEntry(winner), created: false };
}

/**
 * Expires, for every customer of the workspace (or one), the unspent part of earn lots
 * whose date has passed. Debits are taken from the oldest lots first (FIFO), and lots
 * expire in the order they were earned, so what is left of the expired lots is
 * max(0, points in expired lots − all debits so far). Running it again expires nothing
 * more: the expiry it wrote is itself a debit. Returns the number of entries written.
 */
export async function expirePoints(
  db: Kysely<DB>,
  workspaceId: string,
  options: { now?: Date; customerId?: string } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const only = options.customerId ? sql`and customer_id = ${options.customerId}` : sql``;
  // Lock the customers with expired lots, so a redemption cannot slip between the sum and the write.
  let expiredLots = db
    .selectFrom('loyalty_entries')
    .select('customer_id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'earn')
    .where('expires_at', '<=', now);
  if (options.customerId) expiredLots = expiredLots.where('customer_id', '=', options.customerId);
  await lockCustomers(db, workspaceId, expiredLots);
  const result = await sql`
    insert into loyalty_entries (workspace_id, id, customer_id, kind, points, source_key, reason, occurred_at)
    select ${workspaceId}, 'lpe_' || replace(gen_random_uuid()::text, '-', ''), customer_id, 'expire', -(expired - debits),
      'expire:' || customer_id || ':' || to_char(boundary at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
      'Points earned before ' || to_char(boundary at time zone 'UTC', 'YYYY-MM-DD') || ' and not spent', ${now}
    from (
      select customer_id,
        coalesce(sum(points) filter (where kind = 'earn' and expires_at <= ${now}), 0) as expired,
        max(expires_at) filter (where kind = 'earn' and expires_at <= ${now}) as boundary,
        coalesce(-sum(points) filter (where points < 0), 0) as debits
      from loyalty_entries where workspace_id = ${workspaceId} ${only}
      group by customer_id
    ) lots
    where expired > debits
    on conflict (workspace_id, source_key) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
