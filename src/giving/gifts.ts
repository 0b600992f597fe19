import { sql, type Kysely, type Selectable } from 'kysely';
import { actorColumns, systemActor, type Actor } from '../auth/actor.js';
import { customerDisplayNames, resolveCustomer } from '../customers/lookup.js';
import { decodeCursor, exactTime, nextCursor, olderThan } from '../db/cursor.js';
import type { DB } from '../db/schema.js';
import type { GiftsTable, GiftStatus, GivingRuleKind } from './tables.js';
import type { JsonObject, JsonValue } from '../db/columns.js';
import type { Pacing } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { recordTransaction } from '../holdings/transactions.js';
import { updateHolding } from '../holdings/service.js';
import { newId } from '../ids.js';
import { postEntry } from '../loyalty/ledger.js';
import { enqueueMessage } from '../messages/enqueue.js';
import { toIso } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import type { Find } from './finders.js';
import { toGift, toGiftEvent } from './mappers.js';
import type { Gift, GiftQuery } from './schemas.js';
import { GIFT_TEMPLATE_KEYS } from './templates.js';

// A gift's current state is kept on its row; every change of state is appended to
// gift_events beside it. The offer goes out through the Messages outbox in the same
// transaction that records the gift, so there is never a gift without its offer or an
// offer without its gift.

type GiftRow = Selectable<GiftsTable>;

async function appendEvent(db: Kysely<DB>, actor: Actor, giftId: string, kind: GiftStatus, now: Date, note?: string | null) {
  await db
    .insertInto('gift_events')
    .values({ workspace_id: actor.workspaceId, gift_id: giftId, kind, ...actorColumns(actor), note: note ?? null, occurred_at: now })
    .execute();
}

function messageData(find: Find, gift: GiftRow): JsonObject {
  const evidence = find.evidence;
  const data: JsonObject = {
    title: find.title,
    value_minor: find.valueMinor,
    currency: find.currency,
    expires_on: toIso(gift.expires_at).slice(0, 10),
  };
  const copy = (to: string, from: string) => {
    const value: JsonValue | undefined = evidence[from];
    if (value !== undefined) data[to] = value;
  };
  copy('current_plan', 'currentPlanName');
  copy('new_plan', 'planName');
  copy('monthly_saving_minor', 'monthlySavingMinor');
  copy('yearly_saving_minor', 'yearlySavingMinor');
  copy('months', 'months');
  copy('fee', 'fee');
  if (find.action.type === 'points') data.points = find.action.points ?? null;
  return data;
}

/**
 * Records the finds of one rule as offered gifts and queues their offers. A find already
 * made (same rule, subject and period) is skipped: the unique key decides, so two workers
 * finding the same thing at once make one gift. Returns the gifts created.
 */
export async function offerGifts(
  db: Kysely<DB>,
  workspaceId: string,
  rule: { id: string; kind: GivingRuleKind; offerDays: number },
  finds: Find[],
  options: { now: Date; runId: string | null; pacing?: Pacing | undefined },
): Promise<GiftRow[]> {
  if (finds.length === 0) return [];
  const created: GiftRow[] = [];
  const pacing = options.pacing;
  if (pacing) {
    // Embedded PGlite: a few gifts per transaction (each gift with its message, so a crash
    // leaves no gift without its offer), requests getting their turn in between.
    for (let i = 0; i < finds.length; i += PGLITE_GIFTS_PER_UNIT) {
      await pacing.beforeUnit();
      const batch = finds.slice(i, i + PGLITE_GIFTS_PER_UNIT);
      created.push(...(await db.transaction().execute((trx) => offerBatch(trx, workspaceId, rule, batch, options))));
    }
    return created;
  }
  // Batches keep one statement's parameters well under PostgreSQL's limit.
  for (let i = 0; i < finds.length; i += 500) created.push(...(await offerBatch(db, workspaceId, rule, finds.slice(i, i + 500), options)));
  return created;
}

/** Gifts offered per transaction on embedded PGlite: each is a few statements and a rendered message. */
const PGLITE_GIFTS_PER_UNIT = 4;

async function offerBatch(
  db: Kysely<DB>,
  workspaceId: string,
  rule: { id: string; kind: GivingRuleKind; offerDays: number },
  batch: Find[],
  options: { now: Date; runId: string | null },
): Promise<GiftRow[]> {
  const actor = systemActor(workspaceId, 'giving');
  const expiresAt = new Date(options.now.getTime() + rule.offerDays * 86_400_000);
  const created: GiftRow[] = [];
  const rows = await db
    .insertInto('gifts')
    .values(
      batch.map((find) => ({
        workspace_id: workspaceId,
        id: newId('gft', options.now.getTime()),
        rule_id: rule.id,
        rule_kind: rule.kind,
        customer_id: find.customerId,
        holding_id: find.holdingId,
        subject_key: find.subjectKey,
        period: find.period,
        title: find.title,
        status: 'offered' as const,
        evidence: JSON.stringify(find.evidence),
        action: JSON.stringify(find.action),
        value_minor: find.valueMinor,
        currency: find.currency,
        run_id: options.runId,
        offered_at: options.now,
        expires_at: expiresAt,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'rule_id', 'subject_key', 'period']).doNothing())
    .returningAll()
    .execute();
  const bySubject = new Map(batch.map((find) => [`${find.subjectKey}\u0000${find.period}`, find]));
  for (const row of rows) {
    const find = bySubject.get(`${row.subject_key}\u0000${row.period}`);
    if (!find) continue;
    await appendEvent(db, actor, row.id, 'offered', options.now);
    const message = await enqueueMessage(
      db,
      workspaceId,
      {
        customerId: row.customer_id,
        purpose: 'gift',
        templateKey: GIFT_TEMPLATE_KEYS[rule.kind],
        data: messageData(find, row),
        idempotencyKey: `gift:${row.id}`,
      },
      { now: options.now },
    );
    await db
      .updateTable('gifts')
      .set({ message_id: message.id })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', row.id)
      .execute();
    created.push({ ...row, message_id: message.id });
  }
  return created;
}

async function lockGift(db: Kysely<DB>, workspaceId: string, id: string): Promise<GiftRow> {
  const row = await db
    .selectFrom('gifts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Gift', id);
  if (row.status !== 'offered') throw new AppError('conflict', `The gift is already ${row.status}`, { currentStatus: row.status });
  return row;
}

/** Carries out what accepting the gift means: a plan change through the holdings service, a credit, bonus points, or nothing. */
async function carryOut(db: Kysely<DB>, actor: Actor, gift: GiftRow, now: Date): Promise<void> {
  const action = gift.action;
  switch (action.type) {
    case 'plan_change':
      await updateHolding(db, actor, String(action.holdingId), { planId: String(action.planId) });
      return;
    case 'credit':
      await recordTransaction(db, actor, {
        customerId: gift.customer_id,
        holdingId: gift.holding_id,
        kind: 'credit',
        amount: { amountMinor: Number(action.amountMinor), currency: String(action.currency) },
        description: String(action.description ?? gift.title),
        occurredAt: now.toISOString(),
        source: 'giving',
        externalId: gift.id,
      });
      return;
    case 'points':
      await postEntry(db, actor.workspaceId, {
        customerId: gift.customer_id,
        kind: 'earn',
        points: Number(action.points),
        sourceKey: `gift:${gift.id}`,
        reason: gift.title,
        occurredAt: now,
        expiresAt: new Date(now.getTime() + 730 * 86_400_000),
      });
      return;
    default:
      return;
  }
}

/** The customer said yes: the gift's action is carried out in the same transaction. */
export async function acceptGift(db: Kysely<DB>, actor: Actor, id: string, note?: string, now = new Date()): Promise<Gift> {
  const gift = await lockGift(db, actor.workspaceId, id);
  if (gift.expires_at.getTime() < now.getTime()) throw new AppError('conflict', 'The offer has expired', { currentStatus: 'expired' });
  await carryOut(db, actor, gift, now);
  return decide(db, actor, gift, 'accepted', now, note);
}

export async function declineGift(db: Kysely<DB>, actor: Actor, id: string, note?: string, now = new Date()): Promise<Gift> {
  const gift = await lockGift(db, actor.workspaceId, id);
  return decide(db, actor, gift, 'declined', now, note);
}

async function decide(db: Kysely<DB>, actor: Actor, gift: GiftRow, status: GiftStatus, now: Date, note?: string): Promise<Gift> {
  const row = await db
    .updateTable('gifts')
    .set({ status, decided_at: now })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', gift.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(db, actor, gift.id, status, now, note);
  await recordAudit(db, actor, { action: `gift.${status}`, entityType: 'gift', entityId: gift.id, changes: { ruleKind: gift.rule_kind } });
  const [shown] = await giftsWithNames(db, actor.workspaceId, [row]);
  return shown as Gift;
}

/** Offers past their date become expired, each with its event. Returns how many. */
export async function expireGifts(db: Kysely<DB>, workspaceId: string, now: Date): Promise<number> {
  const rows = await db
    .updateTable('gifts')
    .set({ status: 'expired', decided_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'offered')
    .where('expires_at', '<=', now)
    .returning('id')
    .execute();
  if (rows.length) {
    const actor = actorColumns(systemActor(workspaceId, 'giving'));
    await db
      .insertInto('gift_events')
      .values(
        rows.map((r) => ({ workspace_id: workspaceId, gift_id: r.id, kind: 'expired' as const, ...actor, note: null, occurred_at: now })),
      )
      .execute();
  }
  return rows.length;
}

/** Gifts as the API shows them, each with its customer's name, read in one query from customers. */
async function giftsWithNames(db: Kysely<DB>, workspaceId: string, rows: Selectable<GiftsTable>[]): Promise<Gift[]> {
  const names = await customerDisplayNames(
    db,
    workspaceId,
    rows.map((row) => row.customer_id),
  );
  return rows.map((row) => toGift(row, names.get(row.customer_id) ?? null));
}

export async function getGift(db: Kysely<DB>, workspaceId: string, id: string): Promise<Gift> {
  const row = await db.selectFrom('gifts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Gift', id);
  const events = await db
    .selectFrom('gift_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('gift_id', '=', id)
    .orderBy('seq')
    .execute();
  const [shown] = await giftsWithNames(db, workspaceId, [row]);
  return { ...(shown as Gift), events: events.map(toGiftEvent) };
}

/** Gifts newest first, by customer, status and rule, paged by cursor: `before` is the `nextCursor` of the previous page. */
export async function listGifts(
  db: Kysely<DB>,
  workspaceId: string,
  query: GiftQuery,
): Promise<{ data: Gift[]; nextCursor: string | null }> {
  let q = db
    .selectFrom('gifts')
    .selectAll()
    .select(exactTime(sql`offered_at`).as('cursor_at'))
    .where('workspace_id', '=', workspaceId);
  if (query.customerId) q = q.where('customer_id', '=', (await resolveCustomer(db, workspaceId, query.customerId)).id);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.ruleKind) q = q.where('rule_kind', '=', query.ruleKind);
  if (query.before) q = q.where(olderThan(sql`offered_at`, sql`id`, decodeCursor(query.before, '/before')));
  const rows = await q.orderBy('offered_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
  return {
    data: await giftsWithNames(db, workspaceId, rows),
    nextCursor: nextCursor(
      rows.map((row) => ({ id: row.id, cursorAt: row.cursor_at })),
      query.limit,
    ),
  };
}

/** What a customer was offered and given, per currency. */
export async function customerGiving(db: Kysely<DB>, workspaceId: string, customerId: string) {
  const customer = await resolveCustomer(db, workspaceId, customerId);
  const { data: gifts } = await listGifts(db, workspaceId, { customerId: customer.id, limit: 100 });
  const { rows } = await sql<{ currency: string; offered: number; given: number }>`
    select currency, sum(value_minor) as offered, coalesce(sum(value_minor) filter (where status = 'accepted'), 0) as given
    from gifts where workspace_id = ${workspaceId} and customer_id = ${customer.id} group by currency order by currency`.execute(db);
  return {
    gifts,
    valueOffered: rows.map((r) => ({ amountMinor: Number(r.offered), currency: r.currency })),
    valueGiven: rows.map((r) => ({ amountMinor: Number(r.given), currency: r.currency })),
  };
}
