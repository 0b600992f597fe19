import type { Expression, Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { classify, kept } from '../customers/data-classification.js';
import { defineCustomerData } from '../customers/define-customer-data.js';

// What the catalog holds about a customer (src/customers/define-customer-data.ts): nothing;
// products and plans are the workspace's own business. The customer views name them through
// the queries below.
export const customerData = defineCustomerData({
  tables: [
    classify('product_lines', { rows: null, columns: kept('workspace_id', 'id', 'code', 'name') }),
    classify('products', { rows: null, columns: kept('workspace_id', 'id', 'product_line_id', 'code', 'name', 'kind') }),
    classify('plans', { rows: null, columns: kept('workspace_id', 'id', 'product_id', 'code', 'name', 'currency', 'billing_period') }),
  ],
});

/** A workspace's product names by id, as a subquery to join (a holding on the timeline names its product). */
export function productNamesQuery(db: Kysely<DB>, workspaceId: string) {
  return db.selectFrom('products').select(['id', 'name']).where('workspace_id', '=', workspaceId);
}

/** A plan, as a subquery correlated with the row that names it (the 360 shows each holding's plan). */
export function planQuery(db: Kysely<DB>, workspaceId: Expression<string>, planId: Expression<string | null>) {
  return db.selectFrom('plans as pn').selectAll('pn').where('pn.workspace_id', '=', workspaceId).where('pn.id', '=', planId);
}
