import { Type, type Static } from 'typebox';
import { MinorUnits, MoneyInput } from '../catalog/schemas.js';
import { DateOnly, DateTime, Limit, Money, Nullable, OneOf, PageBefore, PageOf } from '../http/schemas.js';
import { HOLDING_STATUSES, TRANSACTION_KINDS } from './tables.js';

// Request and response shapes of holdings, usage and transactions. HoldingSchema,
// UsagePeriodSchema and TransactionSchema are reused by the customer 360.

const Ref = Type.String({ minLength: 1, maxLength: 64 });
const OptionalRef = Type.Optional(Nullable(Ref));
const OptionalText = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })));
const Count = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });

export const HoldingStatusSchema = OneOf(HOLDING_STATUSES);
export const TransactionKindSchema = OneOf(TRANSACTION_KINDS);

export const HoldingSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  payerCustomerId: Nullable(Type.String()),
  householdId: Nullable(Type.String()),
  productId: Type.String(),
  planId: Nullable(Type.String()),
  status: HoldingStatusSchema,
  startedAt: DateTime,
  endedAt: Nullable(DateTime),
  price: Money,
  acquisitionChannel: Nullable(Type.String()),
  externalRef: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Holding = Static<typeof HoldingSchema>;

export const UsagePeriodSchema = Type.Object({
  periodStart: DateOnly(),
  periodEnd: DateOnly(),
  dataMb: Type.Integer({ minimum: 0 }),
  minutes: Type.Integer({ minimum: 0 }),
  texts: Type.Integer({ minimum: 0 }),
});
export type UsagePeriod = Static<typeof UsagePeriodSchema>;

export const TransactionSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  holdingId: Nullable(Type.String()),
  kind: TransactionKindSchema,
  amount: Money,
  description: Nullable(Type.String()),
  occurredAt: DateTime,
  source: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  createdAt: DateTime,
});
export type Transaction = Static<typeof TransactionSchema>;

export const HoldingInput = Type.Object(
  {
    customerId: Ref,
    productId: Ref,
    planId: OptionalRef,
    payerCustomerId: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'Who pays, when it is not the holder' })),
    ),
    householdId: OptionalRef,
    status: Type.Optional(HoldingStatusSchema),
    startedAt: DateTime,
    endedAt: Type.Optional(Nullable(DateTime)),
    price: Type.Optional(Type.Union([MoneyInput, Type.Null()], { description: "Defaults to the plan's price" })),
    acquisitionChannel: OptionalText(100),
    externalRef: OptionalText(200),
  },
  { additionalProperties: false },
);
export type HoldingInput = Static<typeof HoldingInput>;

export const HoldingChanges = Type.Object(
  {
    status: Type.Optional(HoldingStatusSchema),
    planId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'A plan of the same product; the holding takes its price unless a price is given',
      }),
    ),
    price: Type.Optional(MoneyInput),
    endedAt: Type.Optional(Nullable(DateTime)),
    payerCustomerId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type HoldingChanges = Static<typeof HoldingChanges>;

export const HoldingQuery = Type.Object({ customerId: Ref }, { additionalProperties: false });
export const HoldingList = Type.Object({ data: Type.Array(HoldingSchema) });

export const UsagePeriodInput = Type.Object(
  {
    periodStart: DateOnly(),
    periodEnd: DateOnly('After periodStart'),
    dataMb: Type.Optional(MinorUnits),
    minutes: Type.Optional(Count),
    texts: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type UsagePeriodInput = Static<typeof UsagePeriodInput>;

export const UsageInput = Type.Object(
  { periods: Type.Array(UsagePeriodInput, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export const UsageQuery = Type.Object(
  {
    from: Type.Optional(DateOnly('Periods starting on or after this date')),
    to: Type.Optional(DateOnly('Periods starting on or before this date')),
    limit: Limit(500, 100),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;
export const UsageList = Type.Object({ data: Type.Array(UsagePeriodSchema) });
export const UsageWritten = Type.Object({
  changed: Type.Integer({ description: 'Periods added or changed; 0 when the same body is sent again' }),
  data: Type.Array(UsagePeriodSchema, { description: 'The periods sent, as stored, newest first' }),
});

export const TransactionInput = Type.Object(
  {
    customerId: Ref,
    holdingId: OptionalRef,
    kind: TransactionKindSchema,
    amount: Type.Object(MoneyInput.properties, {
      additionalProperties: false,
      description: 'Never negative: the kind says which way the money went',
    }),
    description: OptionalText(500),
    occurredAt: DateTime,
    source: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, description: 'The system it came from (billing, shop…)' }))),
    externalId: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: 'Its id in that system; posting the same source and id again returns the first',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type TransactionInput = Static<typeof TransactionInput>;

export const TransactionQuery = Type.Object(
  { customerId: Ref, before: PageBefore, limit: Limit(200, 50) },
  { additionalProperties: false },
);
export type TransactionQuery = Static<typeof TransactionQuery>;
export const TransactionList = PageOf(TransactionSchema);
