import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { toIso } from '../time.js';
import type { PenaltyReport } from './schemas.js';

/**
 * The loyalty penalty: active holdings whose price is above what a new customer would
 * pay today for the same product. Today's price is the plan's own when it is on sale;
 * for a retired plan it is the cheapest on-sale plan of the same product, billed the same
 * way, whose every allowance is at least as large (null is unlimited).
 */
export async function loyaltyPenaltyReport(db: Kysely<DB>, workspaceId: string, options: { limit: number }): Promise<PenaltyReport> {
  const { rows } = await sql<{
    customer_id: string;
    display_name: string | null;
    holding_id: string;
    product_name: string;
    plan_name: string;
    on_sale: boolean;
    paying: number;
    currency: string;
    today: number;
    today_name: string;
    started_at: Date;
    customers: number;
    total: number;
  }>`
    with penalties as (
      select h.customer_id, c.display_name, h.id as holding_id, pr.name as product_name, p.name as plan_name, p.on_sale,
        h.price_minor as paying, h.currency, t.price_minor as today, t.name as today_name, h.started_at
      from holdings h
      join plans p on p.workspace_id = h.workspace_id and p.id = h.plan_id
      join products pr on pr.workspace_id = h.workspace_id and pr.id = h.product_id
      join customers c on c.workspace_id = h.workspace_id and c.id = h.customer_id
      cross join lateral (
        select n.price_minor, n.name from plans n
        where n.workspace_id = h.workspace_id and n.product_id = h.product_id and n.on_sale and n.currency = h.currency
          and n.billing_period = p.billing_period
          and (n.id = p.id or (not p.on_sale
            and (n.data_mb is null or (p.data_mb is not null and n.data_mb >= p.data_mb))
            and (n.minutes is null or (p.minutes is not null and n.minutes >= p.minutes))
            and (n.texts is null or (p.texts is not null and n.texts >= p.texts))))
        order by n.price_minor, n.id limit 1
      ) t
      where h.workspace_id = ${workspaceId} and h.status = 'active' and h.price_minor > t.price_minor
    )
    select *, (select count(distinct customer_id) from penalties) as customers, sum(paying - today) over (partition by currency) * 12 as total
    from penalties order by paying - today desc, holding_id limit ${options.limit}`.execute(db);
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
