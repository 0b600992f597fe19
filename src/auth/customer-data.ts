import { classify, credential, kept } from '../customers/data-classification.js';
import { defineCustomerData } from '../customers/define-customer-data.js';

// What the auth capability holds about a customer (src/customers/define-customer-data.ts):
// nothing. Staff accounts are personal data of staff, not of customers, and never in a
// customer's export.
export const customerData = defineCustomerData({
  tables: [
    classify('users', { rows: null, columns: { ...kept('id', 'email', 'name'), password_hash: credential() } }),
    classify('sessions', { rows: null, columns: { ...kept('user_id', 'workspace_id'), token_hash: credential() } }),
    classify('api_keys', {
      rows: null,
      columns: { ...kept('workspace_id', 'id', 'kind', 'name', 'created_by'), key_hash: credential(), key_prefix: credential() },
    }),
  ],
});
