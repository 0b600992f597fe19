import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor.js';
import { normalizeCurrency } from '../customers/normalize.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../db/columns.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { recordAudit } from '../workspaces/audit.js';
import { toPlan, toProduct, toProductLine, type PlanRow, type ProductRow } from './mappers.js';
import type { Plan, PlanChanges, PlanFilter, PlanInput, Product, ProductInput, ProductLine, ProductLineInput } from './schemas.js';

function requireText(value: string, path: string): string {
  const text = value.trim();
  if (!text) throw invalid(path, 'must not be empty');
  return text;
}

const LABELS = { product_lines: 'product line', products: 'product', plans: 'plan' } as const;

/** Codes are unique per workspace; say so plainly rather than through a constraint name. */
async function assertCodeFree(db: Kysely<DB>, table: keyof typeof LABELS, workspaceId: string, code: string): Promise<void> {
  const existing = await db
    .selectFrom(table)
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (existing)
    throw new AppError('conflict', `A ${LABELS[table]} with code "${code}" already exists (${existing.id})`, { existingId: existing.id });
}

// ─── Product lines ──────────────────────────────────────────────────────────

export async function createProductLine(db: Kysely<DB>, actor: Actor, input: ProductLineInput): Promise<ProductLine> {
  const name = requireText(input.name, '/name');
  await assertCodeFree(db, 'product_lines', actor.workspaceId, input.code);
  const row = await db
    .insertInto('product_lines')
    .values({ workspace_id: actor.workspaceId, id: newId('pl'), code: input.code, name })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'product_line.created',
    entityType: 'product_line',
    entityId: row.id,
    changes: { code: row.code, name },
  });
  return toProductLine(row);
}

export async function getProductLine(db: Kysely<DB>, workspaceId: string, id: string): Promise<ProductLine> {
  const row = await db
    .selectFrom('product_lines')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Product line', id);
  return toProductLine(row);
}

export async function listProductLines(db: Kysely<DB>, workspaceId: string): Promise<ProductLine[]> {
  const rows = await db.selectFrom('product_lines').selectAll().where('workspace_id', '=', workspaceId).orderBy('code').execute();
  return rows.map(toProductLine);
}

/** The id of a product line named by id (pl_…) or by code, if there is one. */
export async function findProductLineId(db: Kysely<DB>, workspaceId: string, idOrCode: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('product_lines')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode)]))
    .executeTakeFirst();
  return row?.id;
}

// ─── Products ───────────────────────────────────────────────────────────────

/** The product row in the actor's workspace; another workspace's id is not found. */
export async function requireProductRow(db: Kysely<DB>, workspaceId: string, id: string): Promise<ProductRow> {
  const row = await db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Product', id);
  return row;
}

/**
 * Products named with their product line, as a subquery to join: what a customer holds is
 * described by these names in the same query (a message template's `holdings`).
 */
export function productNamesQuery(db: Kysely<DB>) {
  return db
    .selectFrom('products as p')
    .innerJoin('product_lines as l', (join) => join.onRef('l.workspace_id', '=', 'p.workspace_id').onRef('l.id', '=', 'p.product_line_id'))
    .select(['p.workspace_id', 'p.id', 'p.name', 'l.name as product_line']);
}

/** The id of the product with a code, if there is one. */
export async function findProductIdByCode(db: Kysely<DB>, workspaceId: string, code: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('products')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row?.id;
}

export async function createProduct(db: Kysely<DB>, actor: Actor, input: ProductInput): Promise<Product> {
  const name = requireText(input.name, '/name');
  await getProductLine(db, actor.workspaceId, input.productLineId);
  await assertCodeFree(db, 'products', actor.workspaceId, input.code);
  const row = await db
    .insertInto('products')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('prd'),
      product_line_id: input.productLineId,
      code: input.code,
      name,
      kind: input.kind,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, {
    action: 'product.created',
    entityType: 'product',
    entityId: row.id,
    changes: { code: row.code, name, kind: row.kind, productLineId: row.product_line_id },
  });
  return toProduct(row);
}

export async function getProduct(db: Kysely<DB>, workspaceId: string, id: string): Promise<Product> {
  return toProduct(await requireProductRow(db, workspaceId, id));
}

export async function listProducts(
  db: Kysely<DB>,
  workspaceId: string,
  filter: { productLineId?: string | undefined },
): Promise<Product[]> {
  let query = db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId).orderBy('code');
  if (filter.productLineId) query = query.where('product_line_id', '=', filter.productLineId);
  return (await query.execute()).map(toProduct);
}

// ─── Plans ──────────────────────────────────────────────────────────────────

/** The plan row in the actor's workspace; another workspace's id is not found. */
export async function requirePlanRow(db: Kysely<DB>, workspaceId: string, id: string): Promise<PlanRow> {
  const row = await db.selectFrom('plans').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Plan', id);
  return row;
}

/** Plans' names, as a subquery to join (see `productNamesQuery`). */
export function planNamesQuery(db: Kysely<DB>) {
  return db.selectFrom('plans').select(['workspace_id', 'id', 'name']);
}

/** The id of the plan with a code, if there is one. */
export async function findPlanIdByCode(db: Kysely<DB>, workspaceId: string, code: string): Promise<string | undefined> {
  const row = await db.selectFrom('plans').select('id').where('workspace_id', '=', workspaceId).where('code', '=', code).executeTakeFirst();
  return row?.id;
}

export async function createPlan(db: Kysely<DB>, actor: Actor, input: PlanInput): Promise<Plan> {
  const name = requireText(input.name, '/name');
  const currency = normalizeCurrency(input.price.currency, '/price/currency');
  await requireProductRow(db, actor.workspaceId, input.productId);
  await assertCodeFree(db, 'plans', actor.workspaceId, input.code);
  const row = await db
    .insertInto('plans')
    .values({
      workspace_id: actor.workspaceId,
      id: newId('pln'),
      product_id: input.productId,
      code: input.code,
      name,
      price_minor: input.price.amountMinor,
      currency,
      billing_period: input.billingPeriod,
      data_mb: input.allowances?.dataMb ?? null,
      minutes: input.allowances?.minutes ?? null,
      texts: input.allowances?.texts ?? null,
      overage_per_gb_minor: input.overage?.perGbMinor ?? 0,
      overage_per_minute_minor: input.overage?.perMinuteMinor ?? 0,
      overage_per_text_minor: input.overage?.perTextMinor ?? 0,
      on_sale: input.onSale ?? true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const plan = toPlan(row);
  await recordAudit(db, actor, {
    action: 'plan.created',
    entityType: 'plan',
    entityId: plan.id,
    changes: {
      productId: plan.productId,
      code: plan.code,
      name,
      price: plan.price,
      billingPeriod: plan.billingPeriod,
      onSale: plan.onSale,
    },
  });
  return plan;
}

export async function getPlan(db: Kysely<DB>, workspaceId: string, id: string): Promise<Plan> {
  return toPlan(await requirePlanRow(db, workspaceId, id));
}

/** Plans by product, product line or whether they are on sale; cheapest first within a product. */
export async function listPlans(db: Kysely<DB>, workspaceId: string, filter: PlanFilter): Promise<Plan[]> {
  let query = db
    .selectFrom('plans')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('product_id')
    .orderBy('price_minor')
    .orderBy('code');
  if (filter.productId) query = query.where('product_id', '=', filter.productId);
  if (filter.onSale !== undefined) query = query.where('on_sale', '=', filter.onSale);
  if (filter.productLineId) {
    const productLineId = filter.productLineId;
    query = query.where('product_id', 'in', (eb) =>
      eb.selectFrom('products').select('id').where('workspace_id', '=', workspaceId).where('product_line_id', '=', productLineId),
    );
  }
  return (await query.execute()).map(toPlan);
}

/** Renames a plan, reprices it or takes it off sale; the audit entry keeps what it was. */
export async function updatePlan(db: Kysely<DB>, actor: Actor, id: string, input: PlanChanges): Promise<Plan> {
  const before = toPlan(await requirePlanRow(db, actor.workspaceId, id));
  const after: Plan = {
    ...before,
    name: input.name === undefined ? before.name : requireText(input.name, '/name'),
    price: input.price
      ? { amountMinor: input.price.amountMinor, currency: normalizeCurrency(input.price.currency, '/price/currency') }
      : before.price,
    onSale: input.onSale ?? before.onSale,
  };
  const changes: JsonObject = {};
  if (after.name !== before.name) changes.name = { from: before.name, to: after.name };
  if (after.price.amountMinor !== before.price.amountMinor || after.price.currency !== before.price.currency) {
    changes.price = { from: before.price, to: after.price };
  }
  if (after.onSale !== before.onSale) changes.onSale = { from: before.onSale, to: after.onSale };
  if (Object.keys(changes).length === 0) return before;
  await db
    .updateTable('plans')
    .set({ name: after.name, price_minor: after.price.amountMinor, currency: after.price.currency, on_sale: after.onSale })
    .where('workspace_id', '=', actor.workspaceId)
    .where('id', '=', id)
    .execute();
  await recordAudit(db, actor, { action: 'plan.updated', entityType: 'plan', entityId: id, changes });
  return after;
}
