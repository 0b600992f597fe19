import { Type, type Static } from 'typebox';
import { DateOnly, DateTime, FreeJson, Limit, Money, Nullable, OneOf } from '../http/schemas.js';
import { PeriodFrom, PeriodTo } from '../metrics/periods.js';
import { GIFT_STATUSES, GIVING_RULE_KINDS } from './tables.js';

// Request and response shapes of gifts, giving rules, runs and the giving ledger.

export const RuleKindSchema = OneOf(GIVING_RULE_KINDS);
export const GiftStatusSchema = OneOf(GIFT_STATUSES);

const JsonObjectSchema = Type.Record(Type.String(), Type.Unknown());

export const GiftEventSchema = Type.Object({
  kind: GiftStatusSchema,
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
  note: Nullable(Type.String()),
  occurredAt: DateTime,
});

export const GiftSchema = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  ruleKind: RuleKindSchema,
  customerId: Type.String(),
  customerName: Nullable(Type.String({ description: 'The customer’s display name; null when none or erased' })),
  holdingId: Nullable(Type.String()),
  subjectKey: Type.String(),
  period: Type.String(),
  title: Type.String(),
  status: GiftStatusSchema,
  evidence: JsonObjectSchema,
  action: JsonObjectSchema,
  value: Money,
  messageId: Nullable(Type.String()),
  runId: Nullable(Type.String()),
  offeredAt: DateTime,
  expiresAt: DateTime,
  decidedAt: Nullable(DateTime),
  events: Type.Optional(Type.Array(GiftEventSchema)),
});
export type Gift = Static<typeof GiftSchema>;

export const GiftList = Type.Object({ data: Type.Array(GiftSchema), nextCursor: Nullable(Type.String()) });
export const GiftQuery = Type.Object({
  customerId: Type.Optional(Type.String({ minLength: 3, maxLength: 64 })),
  status: Type.Optional(GiftStatusSchema),
  ruleKind: Type.Optional(RuleKindSchema),
  before: Type.Optional(Type.String({ maxLength: 200, description: 'Cursor from nextCursor' })),
  limit: Limit(500, 50),
});
export type GiftQuery = Static<typeof GiftQuery>;

export const GiftDecision = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) });

export const GivingRuleSchema = Type.Object({
  id: Type.String(),
  kind: RuleKindSchema,
  name: Type.String(),
  enabled: Type.Boolean(),
  config: JsonObjectSchema,
  updatedAt: DateTime,
});
export const GivingRuleChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    enabled: Type.Optional(Type.Boolean()),
    config: Type.Optional(FreeJson()),
  },
  { additionalProperties: false },
);

export const RunSchema = Type.Object({
  id: Type.String(),
  worker: Type.String(),
  startedAt: DateTime,
  finishedAt: Nullable(DateTime),
  chunksDone: Type.Integer(),
  customersScanned: Type.Integer(),
  giftsCreated: Type.Integer(),
  giftsExpired: Type.Integer(),
  byRule: Type.Record(Type.String(), Type.Integer()),
});
export type Run = Static<typeof RunSchema>;

const Nps = Type.Object({
  responses: Type.Integer(),
  nps: Nullable(Type.Number()),
  /** 95% margin of error, in NPS points */
  marginOfError: Nullable(Type.Number()),
});
export type NpsFigure = Static<typeof Nps>;

export const LedgerQuery = Type.Object({
  from: Type.Optional(PeriodFrom),
  to: Type.Optional(PeriodTo),
  retentionMonths: Type.Integer({ minimum: 1, maximum: 24, default: 3 }),
});
export type LedgerQuery = Static<typeof LedgerQuery>;

const Counts = {
  offered: Type.Integer(),
  accepted: Type.Integer(),
  declined: Type.Integer(),
  expired: Type.Integer(),
  open: Type.Integer(),
  valueOffered: Type.Array(Money),
  valueGiven: Type.Array(Money),
};

export const LedgerSchema = Type.Object({
  from: DateOnly('First day of the period (`from`, or 365 days before `to`)'),
  to: DateOnly('Last day of the period (`to`, or today)'),
  totals: Type.Object(Counts),
  byMonth: Type.Array(Type.Object({ month: Type.String(), ruleKind: RuleKindSchema, ...Counts })),
  byRule: Type.Array(
    Type.Object({
      ruleKind: RuleKindSchema,
      ...Counts,
      acceptanceRate: Nullable(Type.Number()),
      /** Of recipients whose gift is at least retentionMonths old, the share still holding something active that long after. */
      retention: Nullable(Type.Number()),
      retentionBase: Type.Integer(),
    }),
  ),
  topCustomers: Type.Array(
    Type.Object({ customerId: Type.String(), customerName: Nullable(Type.String()), gifts: Type.Integer(), valueGiven: Type.Array(Money) }),
  ),
  outcomes: Type.Object({
    retentionMonths: Type.Integer(),
    recipients: Type.Object({ retention: Nullable(Type.Number()), base: Type.Integer(), nps: Nps }),
    nonRecipients: Type.Object({ retention: Nullable(Type.Number()), base: Type.Integer(), nps: Nps }),
  }),
});
export type Ledger = Static<typeof LedgerSchema>;

export const CustomerGiving = Type.Object({
  gifts: Type.Array(GiftSchema),
  valueGiven: Type.Array(Money),
  valueOffered: Type.Array(Money),
});
