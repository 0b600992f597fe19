import { sql, type Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { planNamesQuery, productNamesQuery, requirePlanRow, requireProductRow } from '../catalog/service.js';
import { requireHousehold } from '../customers/households.js';
import { resolveCustomer } from '../customers/lookup.js';
import { normalizeCurrency } from '../customers/normalize.js';
import type { DB } from '../db/schema.js';
import type { JsonObject, JsonValue } from '../db/columns.js';
import { invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { recordAudit } from '../workspaces/audit.js';
import { toHolding, type HoldingRow } from './mappers.js';
import type { Holding, HoldingChanges, HoldingInput } from './schemas.js';

/** The holding row in the actor's workspace; another workspace's id is not found. */
export async function requireHoldingRow(db: Kysely<DB>, workspaceId: string, id: string): Promise<HoldingRow> {
  const row = await db.selectFrom('holdings').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Holding', id);
  return row;
}

/** The id of the holding with an external reference (from the system it was imported from), if there is one. */
export async function findHoldingIdByExternalRef(db: Kysely<DB>, workspaceId: string, externalRef: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('holdings')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
  return row?.id;
}

/**
 * A workspace's holdings as a subquery other capabilities compose (`.as('h')`): who holds
 * which product on which plan, its status, since when and at what price.
 */
export function holdingsQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('holdings')
    .select(['id', 'customer_id', 'product_id', 'plan_id', 'status', 'started_at', 'price_minor', 'currency'])
    .where('workspace_id', '=', workspaceId);
}

/** A plan for a holding must be one of the holding's product's plans. */
async function requirePlanOfProduct(db: Kysely<DB>, workspaceId: string, planId: string, productId: string) {
  const plan = await requirePlanRow(db, workspaceId, planId);
  if (plan.product_id !== productId) {
    throw invalid('/planId', `plan ${planId} belongs to product ${plan.product_id}, not to product ${productId}`);
  }
  return plan;
}

function assertEndsAfterStart(startedAt: Date | string, endedAt: Date | string | null | undefined): void {
  if (endedAt === null || endedAt === undefined) return;
  const start = new Date(startedAt);
  if (new Date(endedAt).getTime() < start.getTime()) {
    throw invalid('/endedAt', `must not be before startedAt (${start.toISOString()})`);
  }
}

/**
 * Records that a customer holds a product. A merged customer id (holder or payer) is
 * followed to the survivor; the price defaults to the plan's.
 */
export async function createHolding(db: Kysely<DB>, actor: Actor, input: HoldingInput): Promise<Holding> {
  const workspaceId = actor.workspaceId;
  assertEndsAfterStart(input.startedAt, input.endedAt);
  const customer = await resolveCustomer(db, workspaceId, input.customerId);
  const payer = input.payerCustomerId ? await resolveCustomer(db, workspaceId, input.payerCustomerId) : undefined;
  await requireProductRow(db, workspaceId, input.productId);
  const plan = input.planId ? await requirePlanOfProduct(db, workspaceId, input.planId, input.productId) : undefined;
  if (input.householdId) await requireHousehold(db, workspaceId, input.householdId);

  const price = input.price
    ? { amountMinor: input.price.amountMinor, currency: normalizeCurrency(input.price.currency, '/price/currency') }
    : plan
      ? { amountMinor: plan.price_minor, currency: plan.currency }
      : undefined;
  if (!price) throw invalid('/price', 'is required when the holding has no plan to take a price from');

  const row = await db
    .insertInto('holdings')
    .values({
      workspace_id: workspaceId,
      id: newId('hld'),
      customer_id: customer.id,
      payer_customer_id: payer?.id ?? null,
      household_id: input.householdId ?? null,
      product_id: input.productId,
      plan_id: plan?.id ?? null,
      status: input.status ?? 'active',
      started_at: new Date(input.startedAt),
      ended_at: input.endedAt ? new Date(input.endedAt) : null,
      price_minor: price.amountMinor,
      currency: price.currency,
      acquisition_channel: input.acquisitionChannel ?? null,
      external_ref: input.externalRef ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const holding = toHolding(row);
  await recordAudit(db, actor, {
    action: 'holding.created',
    entityType: 'holding',
    entityId: holding.id,
    changes: {
      customerId: holding.customerId,
      payerCustomerId: holding.payerCustomerId,
      productId: holding.productId,
      planId: holding.planId,
      status: holding.status,
      price: holding.price,
    },
  });
  return holding;
}

export async function getHolding(db: Kysely<DB>, workspaceId: string, id: string): Promise<Holding> {
  return toHolding(await requireHoldingRow(db, workspaceId, id));
}

/** What a customer holds or pays for, newest first; a merged id lists the survivor's. */
export async function listHoldingsByCustomer(db: Kysely<DB>, workspaceId: string, customerId: string): Promise<Holding[]> {
  const customer = await resolveCustomer(db, workspaceId, customerId);
  const rows = await db
    .selectFrom('holdings')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('customer_id', '=', customer.id), eb('payer_customer_id', '=', customer.id)]))
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toHolding);
}

/** What a customer holds now, oldest first, named by product, plan and product line. */
export async function listActiveHoldingNames(
  db: Kysely<DB>,
  workspaceId: string,
  customerId: string,
): Promise<Array<{ product: string; plan: string | null; product_line: string; started_at: Date; price_minor: number; currency: string }>> {
  return db
    .selectFrom('holdings as h')
    .innerJoin(productNamesQuery(db).as('p'), (join) =>
      join.onRef('p.workspace_id', '=', 'h.workspace_id').onRef('p.id', '=', 'h.product_id'),
    )
    .leftJoin(planNamesQuery(db).as('pl'), (join) => join.onRef('pl.workspace_id', '=', 'h.workspace_id').onRef('pl.id', '=', 'h.plan_id'))
    .select(['p.name as product', 'pl.name as plan', 'p.product_line', 'h.started_at', 'h.price_minor', 'h.currency'])
    .where('h.workspace_id', '=', workspaceId)
    .where('h.customer_id', '=', customerId)
    .where('h.status', '=', 'active')
    .orderBy('h.started_at')
    .execute();
}

/**
 * Changes a holding's status, plan, price, end or payer. A plan change takes the new
 * plan's price unless a price is given, and the audit entry keeps the old and new plan.
 */
export async function updateHolding(db: Kysely<DB>, actor: Actor, id: string, input: HoldingChanges): Promise<Holding> {
  const workspaceId = actor.workspaceId;
  const before = toHolding(await requireHoldingRow(db, workspaceId, id));
  const after: Holding = { ...before };

  if (input.status !== undefined) after.status = input.status;
  if (input.planId !== undefined && input.planId !== before.planId) {
    const plan = await requirePlanOfProduct(db, workspaceId, input.planId, before.productId);
    after.planId = plan.id;
    after.price = { amountMinor: plan.price_minor, currency: plan.currency };
  }
  if (input.price)
    after.price = { amountMinor: input.price.amountMinor, currency: normalizeCurrency(input.price.currency, '/price/currency') };
  if (input.endedAt !== undefined) {
    assertEndsAfterStart(before.startedAt, input.endedAt);
    after.endedAt = input.endedAt === null ? null : new Date(input.endedAt).toISOString();
  }
  if (input.payerCustomerId !== undefined) {
    after.payerCustomerId = input.payerCustomerId === null ? null : (await resolveCustomer(db, workspaceId, input.payerCustomerId)).id;
  }

  const changes: JsonObject = {};
  const note = (field: keyof Holding, from: JsonValue, to: JsonValue) => {
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  };
  note('status', before.status, after.status);
  note('planId', before.planId, after.planId);
  note('price', before.price, after.price);
  note('endedAt', before.endedAt, after.endedAt);
  note('payerCustomerId', before.payerCustomerId, after.payerCustomerId);
  if (Object.keys(changes).length === 0) return before;

  const row = await db
    .updateTable('holdings')
    .set({
      status: after.status,
      plan_id: after.planId,
      price_minor: after.price.amountMinor,
      currency: after.price.currency,
      ended_at: after.endedAt,
      payer_customer_id: after.payerCustomerId,
      updated_at: sql<Date>`now()`,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: changes.planId ? 'holding.plan_changed' : 'holding.updated',
    entityType: 'holding',
    entityId: id,
    changes,
  });
  return toHolding(row);
}
