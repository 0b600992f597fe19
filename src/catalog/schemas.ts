import { Type, type Static } from 'typebox';
import { DateTime, Money, Nullable, OneOf } from '../http/schemas.js';
import { BILLING_PERIODS, PRODUCT_KINDS } from './tables.js';

// Request and response shapes of the catalog API. The plan shape is reused by the
// customer 360 and by holdings, so it is exported with its mapper (mappers.ts).

/** A code from the business's own systems (`MOBILE`, `sim-only-30gb`): unique per workspace. */
export const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

/** Non-negative integer minor units (pence, cents). */
export const MinorUnits = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Integer minor units (pence, cents)' });

/** Money as sent by a client: the currency is normalised and checked against ISO 4217. */
export const MoneyInput = Type.Object(
  { amountMinor: MinorUnits, currency: Type.String({ minLength: 1, maxLength: 8, description: 'ISO 4217 code, e.g. GBP' }) },
  { additionalProperties: false },
);

export const ProductKindSchema = OneOf(PRODUCT_KINDS);
export const BillingPeriodSchema = OneOf(BILLING_PERIODS);

export const ProductLineSchema = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), createdAt: DateTime });
export type ProductLine = Static<typeof ProductLineSchema>;

export const ProductSchema = Type.Object({
  id: Type.String(),
  productLineId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  kind: ProductKindSchema,
  createdAt: DateTime,
});
export type Product = Static<typeof ProductSchema>;

const Allowance = (what: string) => Nullable(Type.Integer({ minimum: 0, description: `${what} per billing period; null means unlimited` }));
const Overage = (what: string) => Type.Integer({ minimum: 0, description: `Minor units charged ${what} beyond the allowance` });

export const PlanSchema = Type.Object({
  id: Type.String(),
  productId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  price: Money,
  billingPeriod: BillingPeriodSchema,
  allowances: Type.Object({ dataMb: Allowance('Data in MB'), minutes: Allowance('Minutes'), texts: Allowance('Texts') }),
  overage: Type.Object({ perGbMinor: Overage('per GB'), perMinuteMinor: Overage('per minute'), perTextMinor: Overage('per text') }),
  onSale: Type.Boolean(),
  createdAt: DateTime,
});
export type Plan = Static<typeof PlanSchema>;

export const ProductLineInput = Type.Object({ code: Code, name: Name }, { additionalProperties: false });
export type ProductLineInput = Static<typeof ProductLineInput>;

export const ProductInput = Type.Object(
  { productLineId: Type.String({ minLength: 1 }), code: Code, name: Name, kind: ProductKindSchema },
  { additionalProperties: false },
);
export type ProductInput = Static<typeof ProductInput>;

/** An allowance as sent: a count, or null for unlimited. */
const AllowanceInput = (maximum: number) =>
  Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum, description: 'Null or absent means unlimited' })));
const OverageInput = Type.Optional(MinorUnits);

export const PlanInput = Type.Object(
  {
    productId: Type.String({ minLength: 1 }),
    code: Code,
    name: Name,
    price: MoneyInput,
    billingPeriod: BillingPeriodSchema,
    allowances: Type.Optional(
      Type.Object(
        { dataMb: AllowanceInput(Number.MAX_SAFE_INTEGER), minutes: AllowanceInput(2_147_483_647), texts: AllowanceInput(2_147_483_647) },
        { additionalProperties: false, description: 'Absent or null means unlimited' },
      ),
    ),
    overage: Type.Optional(
      Type.Object(
        { perGbMinor: OverageInput, perMinuteMinor: OverageInput, perTextMinor: OverageInput },
        { additionalProperties: false, description: 'Absent means no overage charge' },
      ),
    ),
    onSale: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type PlanInput = Static<typeof PlanInput>;

export const PlanChanges = Type.Object(
  { name: Type.Optional(Name), price: Type.Optional(MoneyInput), onSale: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type PlanChanges = Static<typeof PlanChanges>;

export const ProductQuery = Type.Object({ productLineId: Type.Optional(Type.String()) }, { additionalProperties: false });
export const PlanQuery = Type.Object(
  { productId: Type.Optional(Type.String()), productLineId: Type.Optional(Type.String()), onSale: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type PlanFilter = Static<typeof PlanQuery>;

export const ProductLineList = Type.Object({ data: Type.Array(ProductLineSchema) });
export const ProductList = Type.Object({ data: Type.Array(ProductSchema) });
export const PlanList = Type.Object({ data: Type.Array(PlanSchema) });
