import type { ColumnType } from 'kysely';
import type { CreatedAt } from '../db/columns.js';

// Row types for the tables the catalog capability owns (see migrations/). Only this capability
// writes them; a column added to the SQL is added here in the same change.

export interface ProductLinesTable {
  workspace_id: string;
  id: string;
  code: string;
  name: string;
  created_at: CreatedAt;
}

export const PRODUCT_KINDS = ['subscription', 'one_off', 'account'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

export interface ProductsTable {
  workspace_id: string;
  id: string;
  product_line_id: string;
  code: string;
  name: string;
  kind: ProductKind;
  created_at: CreatedAt;
}

export const BILLING_PERIODS = ['month', 'quarter', 'year', 'one_off'] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

export interface PlansTable {
  workspace_id: string;
  id: string;
  product_id: string;
  code: string;
  name: string;
  price_minor: number;
  currency: string;
  billing_period: BillingPeriod;
  data_mb: number | null;
  minutes: number | null;
  texts: number | null;
  overage_per_gb_minor: ColumnType<number, number | undefined, number>;
  overage_per_minute_minor: ColumnType<number, number | undefined, number>;
  overage_per_text_minor: ColumnType<number, number | undefined, number>;
  on_sale: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
}

/** The catalog capability's tables, composed into the database type in src/db/schema.ts. */
export interface CatalogTables {
  product_lines: ProductLinesTable;
  products: ProductsTable;
  plans: PlansTable;
}
