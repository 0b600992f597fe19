import { sql } from 'kysely';
import { classify, kept, personal, within, type DataSubject, type RowFilter } from '../customers/data-classification.js';
import { defineCustomerData } from '../customers/define-customer-data.js';

// What the workspaces capability holds about a customer (src/customers/define-customer-data.ts):
// tenants and memberships hold nothing about one; the audit log records changes to them.

const auditOf =
  (households: (s: DataSubject) => string[]): RowFilter =>
  (s) =>
    sql<boolean>`((entity_type = 'customer' and ${within('entity_id', s.customerIds)})
      or (entity_type = 'household' and ${within('entity_id', households(s))}))`;

export const customerData = defineCustomerData({
  tables: [
    classify('workspaces', { rows: null, columns: kept('id', 'name', 'slug', 'default_country', 'default_currency') }),
    classify('memberships', { rows: null, columns: kept('workspace_id', 'user_id', 'role') }),
    classify('audit_log', {
      rows: auditOf((s) => s.householdIds),
      eraseRows: auditOf((s) => s.soleHouseholdIds),
      columns: { ...kept('workspace_id', 'id', 'actor_kind', 'actor_id', 'action', 'entity_type', 'entity_id'), changes: personal('{}') },
    }),
  ],
});
