import { sql } from 'kysely';
import { classify, kept, personal } from '../customers/data-classification.js';
import { defineCustomerData } from '../customers/define-customer-data.js';

// What the metrics capability holds about a customer (src/customers/define-customer-data.ts):
// aggregates, which erasure leaves intact. Its erase step runs after feedback's in the
// registry, because erasing a response's themes is what takes their counts out.
export const customerData = defineCustomerData({
  tables: [
    // Rollup keys are ids and closed codes ('' for none).
    classify('service_rollups', { rows: null, columns: kept('workspace_id', 'dimension', 'value') }),
    classify('service_rollup_buckets', { rows: null, columns: kept('workspace_id', 'dimension', 'value', 'metric') }),
    classify('feedback_rollups', { rows: null, columns: kept('workspace_id', 'survey_kind', 'dimension', 'value') }),
    // A theme is a phrase from comments. Erasing a response's themes (src/feedback/customer-data.ts)
    // takes its counts out; a theme nobody else named is left at zero and goes, so the phrase is
    // not kept as a key.
    classify('feedback_theme_rollups', {
      rows: null,
      eraseRows: () => sql<boolean>`n = 0 and sentiment_n = 0 and sentiment_milli_sum = 0`,
      erase: 'delete',
      columns: { ...kept('workspace_id', 'survey_kind', 'dimension', 'value'), theme: personal() },
    }),
  ],
});
