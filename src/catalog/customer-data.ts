import { classify, kept } from '../customers/data-classification.js';
import { defineCustomerData } from '../customers/define-customer-data.js';

// What the catalog holds about a customer (src/customers/define-customer-data.ts): nothing;
// products and plans are the workspace's own business.
export const customerData = defineCustomerData({
  tables: [
    classify('product_lines', { rows: null, columns: kept('workspace_id', 'id', 'code', 'name') }),
    classify('products', { rows: null, columns: kept('workspace_id', 'id', 'product_line_id', 'code', 'name', 'kind') }),
    classify('plans', { rows: null, columns: kept('workspace_id', 'id', 'product_id', 'code', 'name', 'currency', 'billing_period') }),
  ],
});
