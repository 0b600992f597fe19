import { sql, type Kysely, type Selectable } from 'kysely';
import { actorColumns, type Actor } from '../auth/actor.js';
import { resolveCustomer } from '../customers/lookup.js';
import type { DB } from '../db/schema.js';
import type { GestureStatus, GoodwillGesturesTable } from './tables.js';
import type { Role } from '../workspaces/tables.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { toIso, toIsoOrNull } from '../time.js';
import { recordAudit } from '../workspaces/audit.js';
import { requireCaseRow } from './cases.js';
import type { Gesture, GestureInput } from './settings-schemas.js';

// Goodwill is an option an agent holds, not a rule: within their role's monthly budget a
// gesture is granted at once; above it, it waits for a lead. Every gesture is recorded
// with its reason and value, granted or not.

type GestureRow = Selectable<GoodwillGesturesTable>;

export function toGesture(row: GestureRow): Gesture {
  return {
    id: row.id,
    customerId: row.customer_id,
    caseId: row.case_id,
    kind: row.kind,
    value: { amountMinor: row.amount_minor, currency: row.currency },
    reason: row.reason,
    status: row.status,
    requestedByKind: row.requested_by_kind,
    requestedById: row.requested_by_id,
    requestedAt: toIso(row.requested_at),
    decidedById: row.decided_by_user_id,
    decidedAt: toIsoOrNull(row.decided_at),
    decisionNote: row.decision_note,
  };
}

/** A role's monthly limit in a currency; without one, agents have none and leads and admins no cap. */
async function monthlyLimit(db: Kysely<DB>, workspaceId: string, role: Role, currency: string): Promise<number> {
  const row = await db
    .selectFrom('goodwill_budgets')
    .select('monthly_limit_minor')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', role)
    .where('currency', '=', currency)
    .executeTakeFirst();
  if (row) return row.monthly_limit_minor;
  return role === 'agent' || role === 'analyst' ? 0 : Number.MAX_SAFE_INTEGER;
}

export async function setGoodwillBudget(db: Kysely<DB>, actor: Actor, role: Role, limit: { amountMinor: number; currency: string }) {
  if (limit.amountMinor < 0) throw invalid('/monthlyLimit/amountMinor', 'must be 0 or more');
  const row = await db
    .insertInto('goodwill_budgets')
    .values({ workspace_id: actor.workspaceId, role, currency: limit.currency, monthly_limit_minor: limit.amountMinor })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'role', 'currency']).doUpdateSet({ monthly_limit_minor: limit.amountMinor, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'goodwill_budget.set', entityType: 'goodwill_budget', entityId: role, changes: { ...limit } });
  return {
    role: row.role,
    monthlyLimit: { amountMinor: row.monthly_limit_minor, currency: row.currency },
    updatedAt: toIso(row.updated_at),
  };
}

export async function listGoodwillBudgets(db: Kysely<DB>, workspaceId: string) {
  const rows = await db.selectFrom('goodwill_budgets').selectAll().where('workspace_id', '=', workspaceId).orderBy('role').execute();
  return rows.map((row) => ({
    role: row.role,
    monthlyLimit: { amountMinor: row.monthly_limit_minor, currency: row.currency },
    updatedAt: toIso(row.updated_at),
  }));
}

/**
 * Records a gesture. A person's gesture is granted when it fits what is left of their
 * role's budget this calendar month (UTC), otherwise it waits for a lead's approval. A
 * secret key records gestures another system already granted.
 */
export async function grantGesture(db: Kysely<DB>, actor: Actor, input: GestureInput, now = new Date()): Promise<Gesture> {
  const ws = actor.workspaceId;
  const customer = await resolveCustomer(db, ws, input.customerId);
  if (input.caseId) {
    const row = await requireCaseRow(db, ws, input.caseId).catch(() => {
      throw invalid('/caseId', `case ${input.caseId} does not exist`);
    });
    if (row.customer_id !== customer.id) throw invalid('/caseId', `case ${row.id} belongs to another customer`);
  }
  let status: GestureStatus = 'granted';
  if (actor.kind === 'user') {
    // One grant at a time per person, so two quick gestures cannot both fit the last of a budget.
    await sql`select pg_advisory_xact_lock(hashtext(${`goodwill:${ws}:${actor.userId}`}))`.execute(db);
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const used = await db
      .selectFrom('goodwill_gestures')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('used'))
      .where('workspace_id', '=', ws)
      .where('requested_by_id', '=', actor.userId)
      .where('status', '=', 'granted')
      .where('currency', '=', input.value.currency)
      .where('requested_at', '>=', monthStart)
      .executeTakeFirstOrThrow();
    const limit = await monthlyLimit(db, ws, actor.role, input.value.currency);
    if (Number(used.used) + input.value.amountMinor > limit) status = 'pending_approval';
  }
  const { actor_kind, actor_id } = actorColumns(actor);
  const row = await db
    .insertInto('goodwill_gestures')
    .values({
      workspace_id: ws,
      id: newId('gw'),
      customer_id: customer.id,
      case_id: input.caseId ?? null,
      kind: input.kind,
      amount_minor: input.value.amountMinor,
      currency: input.value.currency,
      reason: input.reason,
      status,
      requested_by_kind: actor_kind,
      requested_by_id: actor_id,
      requested_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: `goodwill.${status}`,
    entityType: 'goodwill_gesture',
    entityId: row.id,
    changes: { ...input.value },
  });
  return toGesture(row);
}

/** A lead's decision on a gesture above budget; the requester cannot decide their own. */
export async function decideGesture(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  approve: boolean,
  note: string | null | undefined,
  now = new Date(),
) {
  if (actor.kind !== 'user') throw new AppError('forbidden', 'A gesture is approved by a person');
  const row = await db
    .selectFrom('goodwill_gestures')
    .selectAll()
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Goodwill gesture', id);
  if (row.status !== 'pending_approval')
    throw new AppError('conflict', `The gesture is already ${row.status}`, { currentStatus: row.status });
  if (row.requested_by_id === actor.userId) throw new AppError('forbidden', 'Another lead must approve your own gesture');
  const after = await db
    .updateTable('goodwill_gestures')
    .set({ status: approve ? 'granted' : 'rejected', decided_by_user_id: actor.userId, decided_at: now, decision_note: note ?? null })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: approve ? 'goodwill.approved' : 'goodwill.rejected',
    entityType: 'goodwill_gesture',
    entityId: id,
  });
  return toGesture(after);
}

export async function listGestures(
  db: Kysely<DB>,
  workspaceId: string,
  query: { customerId?: string | undefined; status?: GestureStatus | undefined },
) {
  let q = db.selectFrom('goodwill_gestures').selectAll().where('workspace_id', '=', workspaceId);
  if (query.customerId) q = q.where('customer_id', '=', (await resolveCustomer(db, workspaceId, query.customerId)).id);
  if (query.status) q = q.where('status', '=', query.status);
  const rows = await q.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(500).execute();
  return rows.map(toGesture);
}

/**
 * A workspace's goodwill gestures as a subquery other capabilities compose (`.as('w')`): for
 * whom, about which case, of what kind, whether granted and when asked for. The giving
 * engine's finders read it so as not to give twice what an agent already gave.
 */
export function gesturesQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('goodwill_gestures')
    .select(['customer_id', 'case_id', 'kind', 'status', 'requested_at'])
    .where('workspace_id', '=', workspaceId);
}

/**
 * What was given back to customers as goodwill (granted gestures only), for the giving
 * engine: per customer, optionally since a time, newest first.
 */
export async function listGoodwillGiven(
  db: Kysely<DB>,
  workspaceId: string,
  options: { customerId?: string; since?: Date } = {},
): Promise<Gesture[]> {
  let q = db.selectFrom('goodwill_gestures').selectAll().where('workspace_id', '=', workspaceId).where('status', '=', 'granted');
  if (options.customerId) q = q.where('customer_id', '=', options.customerId);
  if (options.since) q = q.where('requested_at', '>=', options.since);
  const rows = await q.orderBy('requested_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toGesture);
}
