import { Type, type Static } from 'typebox';
import { PlanSchema } from '../catalog/schemas.js';
import { DateTime, FreeJson, Money, Nullable, OneOf } from '../http/schemas.js';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CONSENT_STATUSES, HOUSEHOLD_KINDS, HOUSEHOLD_ROLES, IDENTITY_KINDS } from './tables.js';

export const IdentityKindSchema = OneOf(IDENTITY_KINDS);

export const ChannelSchema = OneOf(CONSENT_CHANNELS);

export const PurposeSchema = OneOf(CONSENT_PURPOSES);

export const IdentityInput = Type.Object(
  {
    kind: IdentityKindSchema,
    value: Type.String({ minLength: 1, maxLength: 320 }),
    system: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[a-z0-9][a-z0-9_.-]*$',
        description: 'Source system of an external id: billing, crm, shop…',
      }),
    ),
    source: Type.Optional(Type.String({ maxLength: 100, description: 'Where this identity was learned' })),
  },
  { additionalProperties: false },
);
export type IdentityInput = Static<typeof IdentityInput>;

export const IdentitySchema = Type.Object({
  kind: IdentityKindSchema,
  system: Nullable(Type.String()),
  value: Type.String(),
  source: Nullable(Type.String()),
  createdAt: DateTime,
});

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM in the customer’s time zone' });

export const PreferencesInput = Type.Object(
  {
    channels: Type.Optional(
      Type.Array(ChannelSchema, { maxItems: 7, uniqueItems: true, description: 'Preferred channels, most preferred first' }),
    ),
    language: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 35, description: 'BCP 47 tag, e.g. en-GB' }))),
    timeZone: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/London' }))),
    quietHours: Type.Optional(Nullable(Type.Object({ start: ClockTime, end: ClockTime }, { additionalProperties: false }))),
    contactCap: Type.Optional(
      Nullable(
        Type.Object(
          { count: Type.Integer({ minimum: 1, maximum: 1000 }), days: Type.Integer({ minimum: 1, maximum: 365 }) },
          { additionalProperties: false, description: 'At most `count` contacts in any `days` days, across all purposes' },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type PreferencesInput = Static<typeof PreferencesInput>;

export const PreferencesSchema = Type.Object({
  channels: Type.Array(Type.String()),
  language: Nullable(Type.String()),
  timeZone: Nullable(Type.String()),
  quietHours: Nullable(Type.Object({ start: Type.String(), end: Type.String() })),
  contactCap: Nullable(Type.Object({ count: Type.Integer(), days: Type.Integer() })),
});

export const Traits = FreeJson({ description: 'Free-form attributes' });

export const CustomerSchema = Type.Object({
  id: Type.String(),
  displayName: Nullable(Type.String()),
  traits: Traits,
  preferences: PreferencesSchema,
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const ConsentInput = Type.Object(
  {
    purpose: PurposeSchema,
    channel: ChannelSchema,
    status: OneOf(CONSENT_STATUSES),
    source: Type.String({ minLength: 1, maxLength: 100, description: 'Where the consent was given: web-form, call, paper…' }),
    evidence: Type.Optional(FreeJson({ description: 'What proves it: form URL, recording id, IP…' })),
    recordedAt: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export type ConsentInput = Static<typeof ConsentInput>;

export const ConsentSchema = Type.Object({
  id: Type.String(),
  purpose: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  source: Type.String(),
  evidence: Nullable(Type.Record(Type.String(), Type.Unknown())),
  recordedAt: DateTime,
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
});

export const CreateCustomerBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    traits: Type.Optional(Traits),
    identities: Type.Optional(Type.Array(IdentityInput, { maxItems: 50 })),
    preferences: Type.Optional(PreferencesInput),
    consent: Type.Optional(Type.Array(ConsentInput, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type CreateCustomerBody = Static<typeof CreateCustomerBody>;

export const UpdateCustomerBody = Type.Object(
  {
    displayName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    traits: Type.Optional(FreeJson({ description: 'Merged into the traits; a null value removes the key' })),
    preferences: Type.Optional(PreferencesInput),
  },
  { additionalProperties: false },
);
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;

export const MergeSchema = Type.Object({
  id: Type.String(),
  survivorId: Type.String(),
  mergedId: Type.String(),
  reason: Type.String(),
  identity: Nullable(Type.Record(Type.String(), Type.Unknown())),
  occurredAt: DateTime,
});

export const HouseholdRoleSchema = OneOf(HOUSEHOLD_ROLES);
export const HouseholdKindSchema = OneOf(HOUSEHOLD_KINDS);

export const HouseholdSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: HouseholdKindSchema,
  members: Type.Array(
    Type.Object({ customerId: Type.String(), displayName: Nullable(Type.String()), role: HouseholdRoleSchema, joinedAt: DateTime }),
  ),
  createdAt: DateTime,
});

export const SearchResultSchema = Type.Object({
  id: Type.String(),
  displayName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  matchedOn: Type.String({ description: 'name, or the identity kind that matched' }),
});

const Ref = Type.Object({ customerId: Type.String(), displayName: Nullable(Type.String()) });

export const HoldingViewSchema = Type.Object({
  id: Type.String(),
  relationship: Type.Union([Type.Literal('holder'), Type.Literal('payer')]),
  holder: Ref,
  payer: Nullable(Ref),
  householdId: Nullable(Type.String()),
  productLine: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
  product: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), kind: Type.String() }),
  plan: Nullable(PlanSchema),
  status: Type.String(),
  startedAt: DateTime,
  endedAt: Nullable(DateTime),
  tenureMonths: Type.Integer(),
  price: Money,
  acquisitionChannel: Nullable(Type.String()),
  externalRef: Nullable(Type.String()),
  latestUsage: Nullable(
    Type.Object({
      periodStart: Type.String(),
      periodEnd: Type.String(),
      dataMb: Type.Number(),
      minutes: Type.Number(),
      texts: Type.Number(),
    }),
  ),
});

export const Customer360Schema = Type.Object({
  customer: CustomerSchema,
  identities: Type.Array(IdentitySchema),
  households: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      role: Type.String(),
      members: Type.Array(Type.Object({ customerId: Type.String(), displayName: Nullable(Type.String()), role: Type.String() })),
    }),
  ),
  consent: Type.Array(ConsentSchema),
  holdings: Type.Array(HoldingViewSchema),
  recentTransactions: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      amount: Money,
      description: Nullable(Type.String()),
      holdingId: Nullable(Type.String()),
      occurredAt: DateTime,
    }),
  ),
  recentEvents: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      name: Nullable(Type.String()),
      properties: Type.Record(Type.String(), Type.Unknown()),
      occurredAt: DateTime,
      source: Nullable(Type.String()),
    }),
  ),
  mergedFrom: Type.Array(Type.String(), { description: 'Ids of profiles merged into this one; they redirect here' }),
});
