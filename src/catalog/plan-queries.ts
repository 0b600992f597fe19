import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PlansTable } from './tables.js';

// Plans and products as other capabilities read them: giving costs usage under the plans on
// sale, loyalty compares what customers pay with what a new customer would. Each is typed, so
// a renamed column fails the type check here and in the query that composes it.

/**
 * A workspace's plans as a subquery to join (`.as('p')`), every column a costing needs:
 * price, billing period, allowances (null is unlimited), overage rates and whether it is on sale.
 */
export function plansQuery(db: Kysely<DB>, workspaceId: string) {
  return db
    .selectFrom('plans')
    .select([
      'id',
      'product_id',
      'name',
      'price_minor',
      'currency',
      'billing_period',
      'data_mb',
      'minutes',
      'texts',
      'overage_per_gb_minor',
      'overage_per_minute_minor',
      'overage_per_text_minor',
      'on_sale',
    ])
    .where('workspace_id', '=', workspaceId);
}

/** A workspace's products as a subquery to join (`.as('pr')`). */
export function productsQuery(db: Kysely<DB>, workspaceId: string) {
  return db.selectFrom('products').select(['id', 'product_line_id', 'code', 'name', 'kind']).where('workspace_id', '=', workspaceId);
}

/** The plans a subscription of the product may move to: on sale and billed monthly, cheapest first. */
export async function monthlyPlansOnSale(db: Kysely<DB>, workspaceId: string, productId: string): Promise<Selectable<PlansTable>[]> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('product_id', '=', productId)
    .where('on_sale', '=', true)
    .where('billing_period', '=', 'month')
    .orderBy('price_minor')
    .execute();
}

/** Subscription products of the workspace with a plan on sale, billed monthly, that has an allowance. */
export async function productsWithMonthlyAllowances(db: Kysely<DB>, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('products')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'subscription')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('plans')
          .select('plans.id')
          .whereRef('plans.workspace_id', '=', 'products.workspace_id')
          .whereRef('plans.product_id', '=', 'products.id')
          .where('plans.on_sale', '=', true)
          .where('plans.billing_period', '=', 'month')
          // Usage can only choose between plans that differ in allowances; plans that are all
          // unlimited (broadband) differ in what usage does not measure, such as speed.
          .where((w) => w.or([w('plans.data_mb', 'is not', null), w('plans.minutes', 'is not', null), w('plans.texts', 'is not', null)])),
      ),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}
