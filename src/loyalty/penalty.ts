import { sql, type Kysely } from 'kysely';
import { plansQuery, productsQuery } from '../catalog/plan-queries.js';
import { customersQuery } from '../customers/lookup.js';
import type { DB } from '../db/schema.js';
import { holdingsQuery } from '../holdings/service.js';
import { toIso } from '../time.js';
import type { PenaltyReport } from './schemas.js';

/**
 * The loyalty penalty: active holdings whose price is above what a new customer would
 * pay today for the same product. Today's price is the plan's own when it is on sale;
 * for a retired plan it is the cheapest on-sale plan of the same product, billed the same
 * way, whose every allowance is at least as large (null is unlimited).
 */
export async function loyaltyPenaltyReport(db: Kysely<DB>, workspaceId: string, options: { limit: number }): Promise<PenaltyReport> {
  const plans = () => plansQuery(db, workspaceId);
  const penalties = db
    .selectFrom(holdingsQuery(db, workspaceId).as('h'))
    .innerJoin(plans().as('p'), 'p.id', 'h.plan_id')
    .innerJoin(productsQuery(db, workspaceId).as('pr'), 'pr.id', 'h.product_id')
    .innerJoin(customersQuery(db, workspaceId).as('c'), 'c.id', 'h.customer_id')
    // What a new customer pays today: the plan itself when on sale, else the cheapest on-sale plan at least as large.
    .crossJoinLateral((eb) =>
      eb
        .selectFrom(plans().as('n'))
        .select(['n.price_minor', 'n.name'])
        .whereRef('n.product_id', '=', 'h.product_id')
        .where('n.on_sale', '=', true)
        .whereRef('n.currency', '=', 'h.currency')
        .whereRef('n.billing_period', '=', 'p.billing_period')
        .where((n) =>
          n.or([
            n('n.id', '=', n.ref('p.id')),
            n.and([
              n('p.on_sale', '=', false),
              n.or([n('n.data_mb', 'is', null), n.and([n('p.data_mb', 'is not', null), n('n.data_mb', '>=', n.ref('p.data_mb'))])]),
              n.or([n('n.minutes', 'is', null), n.and([n('p.minutes', 'is not', null), n('n.minutes', '>=', n.ref('p.minutes'))])]),
              n.or([n('n.texts', 'is', null), n.and([n('p.texts', 'is not', null), n('n.texts', '>=', n.ref('p.texts'))])]),
            ]),
          ]),
        )
        .orderBy('n.price_minor')
        .orderBy('n.id')
        .limit(1)
        .as('t'),
    )
    .select([
      'h.customer_id',
      'c.display_name',
      'h.id as holding_id',
      'pr.name as product_name',
      'p.name as plan_name',
      'p.on_sale',
      'h.price_minor as paying',
      'h.currency',
      't.price_minor as today',
      't.name as today_name',
      'h.started_at',
    ])
    .where('h.status', '=', 'active')
    .whereRef('h.price_minor', '>', 't.price_minor');
  const rows = await db
    .with('penalties', () => penalties)
    .selectFrom('penalties')
    .selectAll()
    .select([
      sql<number>`(select count(distinct customer_id) from penalties)`.as('customers'),
      sql<number>`sum(paying - today) over (partition by currency) * 12`.as('total'),
    ])
    .orderBy(sql`paying - today`, 'desc')
    .orderBy('holding_id')
    .limit(options.limit)
    .execute();
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.currency, Number(row.total));
  return {
    data: rows.map((row) => ({
      customerId: row.customer_id,
      customerName: row.display_name,
      holdingId: row.holding_id,
      productName: row.product_name,
      planName: row.plan_name,
      planOnSale: row.on_sale,
      paying: { amountMinor: Number(row.paying), currency: row.currency },
      newCustomerPrice: { amountMinor: Number(row.today), currency: row.currency },
      newCustomerPlanName: row.today_name,
      monthlyExcess: { amountMinor: Number(row.paying) - Number(row.today), currency: row.currency },
      yearlyExcess: { amountMinor: (Number(row.paying) - Number(row.today)) * 12, currency: row.currency },
      startedAt: toIso(row.started_at),
    })),
    customers: Number(rows[0]?.customers ?? 0),
    yearlyExcessTotal: [...totals].map(([currency, amountMinor]) => ({ amountMinor, currency })),
  };
}
