import type { Selectable } from 'kysely';
import type { PlansTable, ProductLinesTable, ProductsTable } from './tables.js';
import { toIso } from '../time.js';
import type { Plan, Product, ProductLine } from './schemas.js';

export { PlanSchema, ProductLineSchema, ProductSchema, type Plan, type Product, type ProductLine } from './schemas.js';

// Rows → API objects. A row may come straight from a table (timestamps as Date) or from
// inside a json aggregate (timestamps as ISO text), so created_at accepts either; the
// workspace id is never part of an API object, so it is not required.

type Row<T> = Omit<Selectable<T>, 'workspace_id' | 'created_at'> & { created_at: Date | string };

export type ProductLineRow = Row<ProductLinesTable>;
export type ProductRow = Row<ProductsTable>;
export type PlanRow = Row<PlansTable>;

export function toProductLine(row: ProductLineRow): ProductLine {
  return { id: row.id, code: row.code, name: row.name, createdAt: toIso(row.created_at) };
}

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    productLineId: row.product_line_id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    createdAt: toIso(row.created_at),
  };
}

export function toPlan(row: PlanRow): Plan {
  return {
    id: row.id,
    productId: row.product_id,
    code: row.code,
    name: row.name,
    price: { amountMinor: row.price_minor, currency: row.currency },
    billingPeriod: row.billing_period,
    allowances: { dataMb: row.data_mb, minutes: row.minutes, texts: row.texts },
    overage: {
      perGbMinor: row.overage_per_gb_minor,
      perMinuteMinor: row.overage_per_minute_minor,
      perTextMinor: row.overage_per_text_minor,
    },
    onSale: row.on_sale,
    createdAt: toIso(row.created_at),
  };
}
