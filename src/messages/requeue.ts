import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import { AppError, type FieldIssue } from '../errors.js';
import { recordMessageEvent } from './events.js';
import { recordAudit } from '../workspaces/audit.js';
import { toNamedMessages } from './service.js';
import type { Message } from './schemas.js';

/**
 * Queues messages that failed with `outcome_unknown` again, once a person has checked that
 * they did not arrive (the relay's log, by Message-ID). Rapport never does this by itself:
 * such a message may already be in the customer's inbox, and sent again it arrives twice.
 * All or nothing: an id that is not found answers 404, a message in any other state 409,
 * each naming its place in `ids`, and then nothing changes. Run inside a transaction; each
 * requeue is audited and shows in the message's history.
 */
export async function requeueMessages(
  db: Kysely<DB>,
  actor: Actor,
  ids: string[],
  options: { now?: Date; single?: boolean } = {},
): Promise<Message[]> {
  const now = options.now ?? new Date();
  const unique = [...new Set(ids)];
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', 'in', unique)
    .forUpdate()
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const path = (id: string) => (options.single ? '/id' : `/ids/${ids.indexOf(id)}`);
  const missing: FieldIssue[] = unique
    .filter((id) => !byId.has(id))
    .map((id) => ({ path: path(id), message: `message ${id} was not found` }));
  if (missing.length) throw new AppError('not_found', missing.map((i) => i.message).join('; '), { issues: missing });
  const refused: FieldIssue[] = rows
    .filter((row) => !(row.status === 'failed' && row.reason === 'outcome_unknown'))
    .map((row) => ({
      path: path(row.id),
      message: `message ${row.id} is ${row.status}${row.reason ? ` (${row.reason})` : ''}; only a message that failed with outcome_unknown can be requeued`,
    }));
  if (refused.length) throw new AppError('conflict', refused.map((i) => i.message).join('; '), { issues: refused });

  const requeued = await db
    .updateTable('messages')
    .set({
      status: 'queued',
      reason: null,
      next_attempt_at: now,
      claimed_by: null,
      lease_until: null,
      handover_pending: false,
      updated_at: now,
    })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', 'in', unique)
    .where('status', '=', 'failed')
    .where('reason', '=', 'outcome_unknown')
    .returningAll()
    .execute();
  for (const row of requeued) {
    const before = byId.get(row.id);
    await recordMessageEvent(db, row, 'retry', { reason: 'requeued after an unknown outcome', attempt: row.attempts }, now);
    await recordAudit(db, actor, {
      action: 'message.requeued',
      entityType: 'message',
      entityId: row.id,
      changes: { from: `${before?.status ?? 'failed'}: ${before?.reason ?? 'outcome_unknown'}`, to: 'queued', attempts: row.attempts },
    });
  }
  const messages = await toNamedMessages(db, actor.workspaceId, requeued);
  return unique.flatMap((id) => messages.filter((message) => message.id === id));
}
