import type { Kysely } from 'kysely';
import type { BillingPeriod, ProductKind } from '../catalog/tables.js';
import type { DB } from '../db/schema.js';
import { newId } from '../ids.js';

// The Demo Telecom catalogue: SIM-only mobile plans whose allowances differ enough that a
// customer can sit on a plan far too big or too small for them, one retired plan still
// charging more than today's equivalent, handsets sold outright, and broadband.

export type LineCode = 'mobile' | 'broadband';

export interface PlanSpec {
  code: string;
  name: string;
  priceMinor: number;
  billingPeriod: BillingPeriod;
  /** Allowances per period; null means unlimited. */
  dataMb: number | null;
  minutes: number | null;
  texts: number | null;
  overagePerGbMinor: number;
  overagePerMinuteMinor: number;
  overagePerTextMinor: number;
  onSale: boolean;
}

interface ProductSpec {
  code: string;
  name: string;
  line: LineCode;
  kind: ProductKind;
  plans: PlanSpec[];
}

const GB = 1024;

function simPlan(
  code: string,
  name: string,
  pounds: number,
  dataGb: number | null,
  allowances: { minutes: number | null; texts: number | null },
  onSale = true,
): PlanSpec {
  const limited = dataGb !== null;
  return {
    code,
    name,
    priceMinor: pounds * 100,
    billingPeriod: 'month',
    dataMb: dataGb === null ? null : dataGb * GB,
    minutes: allowances.minutes,
    texts: allowances.texts,
    overagePerGbMinor: limited ? 300 : 0,
    overagePerMinuteMinor: allowances.minutes === null ? 0 : 15,
    overagePerTextMinor: allowances.texts === null ? 0 : 10,
    onSale,
  };
}

/** A plan with no allowances and no overage: broadband (unlimited) or a one-off handset price. */
function flatPlan(code: string, name: string, pounds: number, billingPeriod: PlanSpec['billingPeriod']): PlanSpec {
  return {
    code,
    name,
    priceMinor: pounds * 100,
    billingPeriod,
    dataMb: null,
    minutes: null,
    texts: null,
    overagePerGbMinor: 0,
    overagePerMinuteMinor: 0,
    overagePerTextMinor: 0,
    onSale: true,
  };
}

const broadbandPlan = (code: string, name: string, pounds: number): PlanSpec => flatPlan(code, name, pounds, 'month');

const handset = (code: string, name: string, pounds: number): PlanSpec => flatPlan(code, name, pounds, 'one_off');

const UNLIMITED = { minutes: null, texts: null };

export const PRODUCT_LINES: ReadonlyArray<{ code: LineCode; name: string }> = [
  { code: 'mobile', name: 'Mobile' },
  { code: 'broadband', name: 'Broadband' },
];

export const PRODUCTS: readonly ProductSpec[] = [
  {
    code: 'sim-only',
    name: 'SIM Only',
    line: 'mobile',
    kind: 'subscription',
    plans: [
      simPlan('sim-2gb', 'SIM Only 2 GB', 8, 2, { minutes: 250, texts: 250 }),
      simPlan('sim-10gb', 'SIM Only 10 GB', 12, 10, UNLIMITED),
      simPlan('sim-30gb', 'SIM Only 30 GB', 16, 30, UNLIMITED),
      simPlan('sim-100gb', 'SIM Only 100 GB', 20, 100, UNLIMITED),
      simPlan('sim-unlimited', 'SIM Only Unlimited', 25, null, UNLIMITED),
      // Retired in 2022; customers still on it pay £18 for what £12 buys today.
      simPlan('sim-10gb-2021', 'SIM Only 10 GB (2021)', 18, 10, UNLIMITED, false),
    ],
  },
  {
    code: 'handset',
    name: 'Handsets',
    line: 'mobile',
    kind: 'one_off',
    plans: [
      handset('handset-nimbus-lite', 'Nimbus Lite 64 GB', 179),
      handset('handset-aurora-5g', 'Aurora 5G 128 GB', 449),
      handset('handset-aurora-pro', 'Aurora Pro 256 GB', 799),
      handset('handset-vela-fold', 'Vela Fold 512 GB', 1499),
    ],
  },
  {
    code: 'fibre-broadband',
    name: 'Fibre Broadband',
    line: 'broadband',
    kind: 'subscription',
    plans: [broadbandPlan('fibre-36', 'Fibre 36 Mbps', 24), broadbandPlan('fibre-67', 'Fibre 67 Mbps', 28)],
  },
  {
    code: 'full-fibre',
    name: 'Full Fibre',
    line: 'broadband',
    kind: 'subscription',
    plans: [
      broadbandPlan('full-fibre-150', 'Full Fibre 150 Mbps', 30),
      broadbandPlan('full-fibre-500', 'Full Fibre 500 Mbps', 38),
      broadbandPlan('full-fibre-900', 'Full Fibre 900 Mbps', 48),
    ],
  },
];

export interface SeedPlan extends PlanSpec {
  id: string;
  productId: string;
  line: LineCode;
}

/** The catalogue as inserted, with the ids the customer generator refers to. */
export interface SeedCatalog {
  /** On-sale SIM-only plans, smallest allowance first; the last is unlimited. */
  simPlans: SeedPlan[];
  legacySimPlan: SeedPlan;
  handsets: SeedPlan[];
  broadbandPlans: SeedPlan[];
  counts: { product_lines: number; products: number; plans: number };
}

export async function insertCatalog(db: Kysely<DB>, workspaceId: string, createdAt: Date): Promise<SeedCatalog> {
  const lineIds = new Map<LineCode, string>();
  for (const line of PRODUCT_LINES) lineIds.set(line.code, newId('pl'));
  await db
    .insertInto('product_lines')
    .values(
      PRODUCT_LINES.map((line) => ({
        workspace_id: workspaceId,
        id: lineIds.get(line.code) ?? '',
        code: line.code,
        name: line.name,
        created_at: createdAt,
      })),
    )
    .execute();

  const plans: SeedPlan[] = [];
  for (const product of PRODUCTS) {
    const productId = newId('prd');
    await db
      .insertInto('products')
      .values({
        workspace_id: workspaceId,
        id: productId,
        product_line_id: lineIds.get(product.line) ?? '',
        code: product.code,
        name: product.name,
        kind: product.kind,
        created_at: createdAt,
      })
      .execute();
    for (const spec of product.plans) plans.push({ ...spec, id: newId('pln'), productId, line: product.line });
  }
  await db
    .insertInto('plans')
    .values(
      plans.map((plan) => ({
        workspace_id: workspaceId,
        id: plan.id,
        product_id: plan.productId,
        code: plan.code,
        name: plan.name,
        price_minor: plan.priceMinor,
        currency: 'GBP',
        billing_period: plan.billingPeriod,
        data_mb: plan.dataMb,
        minutes: plan.minutes,
        texts: plan.texts,
        overage_per_gb_minor: plan.overagePerGbMinor,
        overage_per_minute_minor: plan.overagePerMinuteMinor,
        overage_per_text_minor: plan.overagePerTextMinor,
        on_sale: plan.onSale,
        created_at: createdAt,
      })),
    )
    .execute();

  const byCode = (code: string): SeedPlan => {
    const plan = plans.find((p) => p.code === code);
    if (!plan) throw new Error(`seed catalogue has no plan ${code}`);
    return plan;
  };
  return {
    simPlans: ['sim-2gb', 'sim-10gb', 'sim-30gb', 'sim-100gb', 'sim-unlimited'].map(byCode),
    legacySimPlan: byCode('sim-10gb-2021'),
    handsets: plans.filter((p) => p.code.startsWith('handset-')),
    broadbandPlans: plans.filter((p) => p.line === 'broadband'),
    counts: { product_lines: PRODUCT_LINES.length, products: PRODUCTS.length, plans: plans.length },
  };
}
