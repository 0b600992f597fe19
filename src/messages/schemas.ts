import { Type, type Static } from 'typebox';
import { DateTime, FreeJson, Limit, Nullable, OneOf, PageBefore, PageOf } from '../http/schemas.js';
import { MESSAGE_CHANNELS, MESSAGE_PURPOSES, MESSAGE_STATUSES } from './tables.js';

export const MessagePurposeSchema = OneOf(MESSAGE_PURPOSES);
export const MessageChannelSchema = OneOf(MESSAGE_CHANNELS);
export const MessageStatusSchema = OneOf(MESSAGE_STATUSES);

const Language = Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35, description: 'BCP 47 tag: en, en-GB, cy' });
const TemplateKey = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64, description: 'A stable name: survey_invite, gift_credit…' });
const Data = FreeJson({ description: 'Values the template reads as data.*: what we did for them' });
const SampleData = FreeJson({
  description: 'Example values for data.*, declared with the template so its preview works at once; never a customer’s data',
});

export const TemplateInput = Type.Object(
  {
    key: TemplateKey,
    purpose: MessagePurposeSchema,
    language: Language,
    subject: Type.String({ minLength: 1, maxLength: 300 }),
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    sampleData: Type.Optional(SampleData),
  },
  { additionalProperties: false },
);
export type TemplateInput = Static<typeof TemplateInput>;

export const TemplateChanges = Type.Object(
  {
    subject: Type.Optional(TemplateInput.properties.subject),
    body: Type.Optional(TemplateInput.properties.body),
    sampleData: Type.Optional(SampleData),
  },
  { additionalProperties: false },
);
export type TemplateChanges = Static<typeof TemplateChanges>;

export const TemplateSchema = Type.Object({
  id: Type.String(),
  key: Type.String(),
  purpose: MessagePurposeSchema,
  language: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  sampleData: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Example values for data.*: those declared, and a placeholder for each data.* name the text reads and they lack',
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Template = Static<typeof TemplateSchema>;
export const TemplateList = Type.Object({ data: Type.Array(TemplateSchema) });

export const PreviewInput = Type.Object(
  {
    customerId: Type.String({ minLength: 3, maxLength: 64 }),
    templateKey: Type.Optional(TemplateKey),
    language: Type.Optional(Language),
    subject: Type.Optional(TemplateInput.properties.subject),
    body: Type.Optional(TemplateInput.properties.body),
    data: Type.Optional(Data),
  },
  { additionalProperties: false, description: 'A stored template (templateKey) or a draft (subject and body), for one customer' },
);
export type PreviewInput = Static<typeof PreviewInput>;
export const PreviewSchema = Type.Object({ language: Type.String(), subject: Type.String(), body: Type.String() });

export const MessageInput = Type.Object(
  {
    customerId: Type.String({ minLength: 3, maxLength: 64 }),
    purpose: MessagePurposeSchema,
    templateKey: TemplateKey,
    channel: Type.Optional(MessageChannelSchema),
    data: Type.Optional(Data),
    idempotencyKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Sending the same key again returns the first message' }),
    ),
    notBefore: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export type MessageInput = Static<typeof MessageInput>;

export const MessageSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  customerName: Nullable(Type.String({ description: "The customer's display name; null when they have none or were erased" })),
  purpose: MessagePurposeSchema,
  templateKey: Type.String(),
  language: Nullable(Type.String()),
  channel: Nullable(MessageChannelSchema),
  recipient: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  body: Nullable(Type.String()),
  status: MessageStatusSchema,
  reason: Nullable(Type.String({ description: 'Why a message was suppressed or failed' })),
  attempts: Type.Integer(),
  nextAttemptAt: DateTime,
  idempotencyKey: Type.String(),
  lastError: Nullable(Type.String()),
  createdAt: DateTime,
  sentAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
});
export type Message = Static<typeof MessageSchema>;

export const MessageEventSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  occurredAt: DateTime,
});
export const MessageDetail = Type.Intersect([MessageSchema, Type.Object({ events: Type.Array(MessageEventSchema) })]);

export const MessageQuery = Type.Object({
  status: Type.Optional(MessageStatusSchema),
  customerId: Type.Optional(Type.String({ maxLength: 64 })),
  before: PageBefore,
  limit: Type.Optional(Limit(200, 50)),
});
export const MessageList = PageOf(MessageSchema);

export const SettingsSchema = Type.Object({
  defaultLanguage: Language,
  capCount: Type.Integer({ minimum: 1, maximum: 1000, description: 'Messages per customer per window, service messages not counted' }),
  capDays: Type.Integer({ minimum: 1, maximum: 365 }),
});
export type Settings = Static<typeof SettingsSchema>;
export const SettingsChanges = Type.Partial(SettingsSchema, { additionalProperties: false });

export const InboundInput = Type.Object(
  {
    messageId: Type.Optional(
      Type.String({ maxLength: 200, description: 'Our message id (SMS reference, email In-Reply-To or X-Rapport-Message)' }),
    ),
    providerId: Type.Optional(Type.String({ maxLength: 200, description: "The provider's id for the message" })),
    event: Type.Union([Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('bounced'), Type.Literal('reply')]),
    from: Type.Optional(Type.String({ maxLength: 320 })),
    text: Type.Optional(Type.String({ maxLength: 20_000 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    occurredAt: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);
export type InboundInput = Static<typeof InboundInput>;
export const InboundResult = Type.Object({
  messageId: Type.String(),
  customerId: Type.String(),
  status: MessageStatusSchema,
  recorded: Type.String(),
});

export const RequeueInput = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 100,
      description: 'Messages that failed with outcome_unknown and were checked not to have arrived',
    }),
  },
  { additionalProperties: false },
);
export const RequeueResult = Type.Object({
  data: Type.Array(MessageSchema, { description: 'The messages, queued again, in the order asked' }),
});
