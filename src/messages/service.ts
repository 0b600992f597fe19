import { sql, type Kysely, type Selectable } from 'kysely';
import { customerDisplayNames } from '../customers/lookup.js';
import { decodeCursor, exactTime, nextCursor, olderThan } from '../db/cursor.js';
import type { DB } from '../db/schema.js';
import type { MessagesTable, MessageStatus } from './tables.js';
import { notFound } from '../errors.js';
import { toMessage, toMessageEvent } from './mappers.js';
import type { Message } from './schemas.js';

/** Messages as the API shows them, each with its customer's name (one query for them all). */
export async function toNamedMessages(db: Kysely<DB>, workspaceId: string, rows: Array<Selectable<MessagesTable>>): Promise<Message[]> {
  const names = await customerDisplayNames(
    db,
    workspaceId,
    rows.map((row) => row.customer_id),
  );
  return rows.map((row) => toMessage(row, names.get(row.customer_id) ?? null));
}

/** The outbox, newest first, by status and customer, paged by cursor. */
export async function listMessages(
  db: Kysely<DB>,
  workspaceId: string,
  query: { status?: MessageStatus | undefined; customerId?: string | undefined; before?: string | undefined; limit?: number | undefined },
): Promise<{ data: Message[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  const before = query.before ? decodeCursor(query.before, '/before') : null;
  let q = db
    .selectFrom('messages')
    .selectAll()
    .select(exactTime(sql`created_at`).as('cursor_at'))
    .where('workspace_id', '=', workspaceId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.customerId) q = q.where('customer_id', '=', query.customerId);
  if (before) q = q.where(olderThan(sql`created_at`, sql`id`, before));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return {
    data: await toNamedMessages(db, workspaceId, rows),
    nextCursor: nextCursor(
      rows.map((r) => ({ id: r.id, cursorAt: r.cursor_at })),
      limit,
    ),
  };
}

/** One message with what happened to it. */
export async function getMessage(db: Kysely<DB>, workspaceId: string, id: string) {
  const row = await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Message', id);
  const events = await db
    .selectFrom('message_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', id)
    .orderBy('occurred_at')
    .execute();
  const [message] = await toNamedMessages(db, workspaceId, [row]);
  return { ...(message as Message), events: events.map(toMessageEvent) };
}

/** Counts per status, for the outbox page. */
export async function countMessagesByStatus(db: Kysely<DB>, workspaceId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
