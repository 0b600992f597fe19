import { Type, type Static } from 'typebox';
import { DateTime, Money, Nullable, OneOf } from '../http/schemas.js';
import { ChannelSchema, PrioritySchema } from './schemas.js';
import { GESTURE_KINDS, GESTURE_STATUSES } from './tables.js';

// Request and response shapes of teams, jobs, SLA policies and goodwill.

export const TeamSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  leadId: Nullable(Type.String()),
  memberIds: Type.Array(Type.String()),
  createdAt: DateTime,
});
export type Team = Static<typeof TeamSchema>;
export const TeamInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    leadId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    memberIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type TeamInput = Static<typeof TeamInput>;
export const TeamList = Type.Object({ data: Type.Array(TeamSchema) });

export const JobSchema = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), createdAt: DateTime });
export type Job = Static<typeof JobSchema>;
export const JobInput = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export const JobList = Type.Object({ data: Type.Array(JobSchema) });

const WorkingHoursSchema = Type.Object(
  {
    day: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday, Monday = 1' }),
    start: Type.String({ description: 'HH:MM local time' }),
    end: Type.String({ description: 'HH:MM local time, 24:00 for midnight' }),
  },
  { additionalProperties: false },
);
const TargetSchema = Type.Object(
  {
    priority: Type.Optional(Nullable(PrioritySchema)),
    channel: Type.Optional(Nullable(ChannelSchema)),
    firstResponseMinutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
    resolutionMinutes: Type.Integer({ minimum: 1, maximum: 5_256_000 }),
  },
  { additionalProperties: false },
);

export const SlaPolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  workingHours: Type.Array(WorkingHoursSchema),
  holidays: Type.Array(Type.String()),
  targets: Type.Array(
    Type.Object({
      priority: Nullable(PrioritySchema),
      channel: Nullable(ChannelSchema),
      firstResponseMinutes: Type.Integer(),
      resolutionMinutes: Type.Integer(),
    }),
  ),
  isDefault: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type SlaPolicy = Static<typeof SlaPolicySchema>;
export const SlaPolicyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/London' }),
    workingHours: Type.Array(WorkingHoursSchema, { maxItems: 70, description: 'Empty: round the clock' }),
    holidays: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    targets: Type.Array(TargetSchema, {
      minItems: 1,
      maxItems: 100,
      description: 'The most specific target wins: priority and channel, then priority, then channel, then neither',
    }),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SlaPolicyInput = Static<typeof SlaPolicyInput>;
export const SlaPolicyList = Type.Object({ data: Type.Array(SlaPolicySchema) });

export const GestureKindSchema = OneOf(GESTURE_KINDS);
export const GestureSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  caseId: Nullable(Type.String()),
  kind: GestureKindSchema,
  value: Money,
  reason: Type.String(),
  status: OneOf(GESTURE_STATUSES),
  requestedByKind: Type.String(),
  requestedById: Nullable(Type.String()),
  requestedAt: DateTime,
  decidedById: Nullable(Type.String()),
  decidedAt: Nullable(DateTime),
  decisionNote: Nullable(Type.String()),
});
export type Gesture = Static<typeof GestureSchema>;
export const GestureInput = Type.Object(
  {
    customerId: Type.String({ minLength: 1, maxLength: 64 }),
    caseId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    kind: GestureKindSchema,
    value: Type.Object({ amountMinor: Type.Integer({ minimum: 1 }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) }),
    reason: Type.String({ minLength: 3, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type GestureInput = Static<typeof GestureInput>;
export const GestureDecision = Type.Object(
  { approve: Type.Boolean(), note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))) },
  { additionalProperties: false },
);
export const GestureQuery = Type.Object({
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  status: Type.Optional(OneOf(GESTURE_STATUSES)),
});
export const GestureList = Type.Object({ data: Type.Array(GestureSchema) });
export const BudgetInput = Type.Object(
  { role: Type.Union([Type.Literal('agent'), Type.Literal('lead'), Type.Literal('admin')]), monthlyLimit: Money },
  { additionalProperties: false },
);
export const BudgetSchema = Type.Object({ role: Type.String(), monthlyLimit: Money, updatedAt: DateTime });
export const BudgetList = Type.Object({ data: Type.Array(BudgetSchema) });
