import { Type, type Static } from 'typebox';
import { DateTime, Limit, Nullable, PageBefore, PageOf, OneOf } from '../http/schemas.js';
import { ChannelSchema } from '../service/schemas.js';
import { INVITATION_STATUSES, RESPONSE_STATUSES, SURVEY_KINDS, SURVEY_STATUSES } from './tables.js';

export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'feelings', 'text', 'single', 'multiple'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const FEELINGS = ['special', 'smart', 'safe', 'cool', 'successful', 'attractive', 'original'] as const;
export type Feeling = (typeof FEELINGS)[number];

/** A text in several languages, keyed by BCP 47 tag (`en`, `en-GB`, `pl`). */
export const Texts = Type.Record(Type.String({ minLength: 2, maxLength: 35 }), Type.String({ minLength: 1, maxLength: 2000 }), {
  description: 'Text per BCP 47 language tag; the default language is required',
});
export type Texts = Static<typeof Texts>;

const Key = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 40 });

export const QuestionSchema = Type.Object(
  {
    id: Key,
    type: Type.Union([
      Type.Literal('nps'),
      Type.Literal('csat'),
      Type.Literal('ces'),
      Type.Literal('feelings'),
      Type.Literal('text'),
      Type.Literal('single'),
      Type.Literal('multiple'),
    ]),
    text: Texts,
    required: Type.Optional(Type.Boolean()),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'Which page it is on; 1 by default' })),
    choices: Type.Optional(
      Type.Array(Type.Object({ id: Key, text: Texts }, { additionalProperties: false }), {
        maxItems: 20,
        description: 'For single and multiple choice; for feelings, optional labels of the seven feelings',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Question = Static<typeof QuestionSchema>;

export const DefinitionSchema = Type.Object(
  {
    defaultLanguage: Type.String({ minLength: 2, maxLength: 35 }),
    title: Type.Optional(Texts),
    questions: Type.Array(QuestionSchema, { minItems: 1, maxItems: 30 }),
    thankYou: Type.Optional(
      Type.Object(
        {
          promoter: Type.Optional(Texts),
          passive: Type.Optional(Texts),
          detractor: Type.Optional(Texts),
          other: Type.Optional(Texts),
        },
        { additionalProperties: false, description: 'Closing words by how the answer went; built-in texts otherwise' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Definition = Static<typeof DefinitionSchema>;

export const TRIGGER_EVENTS = ['interaction', 'case_resolved'] as const;
export const TriggerSchema = Type.Object(
  {
    events: Type.Optional(
      Type.Array(Type.Union([Type.Literal('interaction'), Type.Literal('case_resolved')]), { maxItems: 2, uniqueItems: true }),
    ),
    channels: Type.Optional(
      Type.Array(ChannelSchema, { maxItems: 10, uniqueItems: true, description: 'Only these channels; all when absent' }),
    ),
    jobIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, description: 'Job ids or codes' })),
    cadenceDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730, description: 'Relationship surveys: every N days per customer' })),
  },
  { additionalProperties: false },
);
export type Trigger = Static<typeof TriggerSchema>;

const SurveyStatusSchema = OneOf(SURVEY_STATUSES);
const SurveyKindSchema = OneOf(SURVEY_KINDS);
const SamplingRate = Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Share of eligible subjects asked, e.g. 0.25' });

export const SurveyInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: SurveyKindSchema,
    status: Type.Optional(SurveyStatusSchema),
    definition: DefinitionSchema,
    trigger: Type.Optional(TriggerSchema),
    samplingRate: Type.Optional(SamplingRate),
  },
  { additionalProperties: false },
);
export type SurveyInput = Static<typeof SurveyInput>;

export const SurveyChanges = Type.Partial(Type.Omit(SurveyInput, ['kind']), { additionalProperties: false });
export type SurveyChanges = Static<typeof SurveyChanges>;

export const SurveySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: SurveyKindSchema,
  status: SurveyStatusSchema,
  definition: DefinitionSchema,
  trigger: TriggerSchema,
  samplingRate: Type.Number(),
  languages: Type.Array(Type.String()),
  activatedAt: Nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Survey = Static<typeof SurveySchema>;
export const SurveyList = Type.Object({ data: Type.Array(SurveySchema) });

export const PreviewInput = Type.Object(
  {
    definition: DefinitionSchema,
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 35 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  },
  { additionalProperties: false },
);
export type PreviewInput = Static<typeof PreviewInput>;
export const PreviewSchema = Type.Object({ language: Type.String(), pages: Type.Integer(), html: Type.String() });

export const InvitationInput = Type.Object(
  {
    customerId: Type.String({ minLength: 3, maxLength: 64 }),
    interactionId: Type.Optional(Type.String({ minLength: 3, maxLength: 64 })),
    caseId: Type.Optional(Type.String({ minLength: 3, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type InvitationInput = Static<typeof InvitationInput>;

export const InvitationSchema = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  customerId: Type.String(),
  interactionId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  followUpCaseId: Nullable(Type.String()),
  status: OneOf(INVITATION_STATUSES),
  reason: Nullable(Type.String()),
  messageId: Nullable(Type.String()),
  expiresAt: DateTime,
  createdAt: DateTime,
});
export type Invitation = Static<typeof InvitationSchema>;

export const RevealedLinkSchema = Type.Object({
  invitationId: Type.String(),
  link: Type.String({ description: "The signed survey link: the customer's credential to answer" }),
  expiresAt: DateTime,
});
export type RevealedLink = Static<typeof RevealedLinkSchema>;

export const ResponseSchema = Type.Object({
  id: Type.String(),
  surveyId: Type.String(),
  surveyKind: SurveyKindSchema,
  invitationId: Nullable(Type.String()),
  customerId: Type.String(),
  language: Type.String(),
  interactionId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  jobId: Nullable(Type.String()),
  productLineId: Nullable(Type.String()),
  segment: Nullable(Type.String()),
  nps: Nullable(Type.Integer()),
  csat: Nullable(Type.Integer()),
  ces: Nullable(Type.Integer()),
  feelings: Type.Array(Type.String()),
  feelingsAsked: Type.Boolean({ description: 'Shown the feelings question and submitted its page, choosing none included' }),
  comment: Nullable(Type.String()),
  sentimentScore: Nullable(Type.Number()),
  sentimentLabel: Nullable(Type.String()),
  themes: Type.Array(Type.String()),
  answers: Type.Record(Type.String(), Type.Unknown()),
  status: OneOf(RESPONSE_STATUSES),
  startedAt: DateTime,
  answeredAt: DateTime,
});
export type SurveyResponse = Static<typeof ResponseSchema>;
export const ResponseQuery = Type.Object({
  surveyId: Type.Optional(Type.String({ maxLength: 64 })),
  customerId: Type.Optional(Type.String({ maxLength: 64 })),
  before: PageBefore,
  limit: Type.Optional(Limit(200, 50)),
});
export const ResponseList = PageOf(ResponseSchema);

const Scores = Type.Object({ nps: Nullable(Type.Integer()), csat: Nullable(Type.Integer()), sentimentScore: Nullable(Type.Number()) });
export const FollowUpSchema = Type.Object({
  caseId: Type.String(),
  responseId: Type.String(),
  customerId: Type.String(),
  customerName: Nullable(Type.String()),
  surveyName: Type.String(),
  subject: Type.String(),
  caseState: Type.String(),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  reasons: Type.Array(Type.String()),
  comment: Nullable(Type.String()),
  dueAt: DateTime,
  overdue: Type.Boolean(),
  outcome: Nullable(Type.String()),
  resolvedAt: Nullable(DateTime),
  before: Scores,
  resurvey: Nullable(
    Type.Object({ invitationId: Type.String(), status: Type.String(), answered: Type.Boolean(), after: Nullable(Scores) }),
  ),
  recovered: Nullable(Type.Boolean({ description: 'Whether the re-survey after recovery scored better; null until it is answered' })),
  createdAt: DateTime,
});
export type FollowUp = Static<typeof FollowUpSchema>;
export const FollowUpQuery = Type.Object({
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')], { default: 'open' })),
  mine: Type.Optional(Type.Boolean()),
});
export const FollowUpList = Type.Object({ data: Type.Array(FollowUpSchema) });
export const FollowUpResolveInput = Type.Object(
  {
    outcome: Type.String({ minLength: 1, maxLength: 2000, description: 'What was done; kept as the case resolution note' }),
    resurvey: Type.Optional(Type.Boolean({ description: 'Ask the customer again after recovery (default true)' })),
  },
  { additionalProperties: false },
);
export type FollowUpResolveInput = Static<typeof FollowUpResolveInput>;
export const CaseIdParams = Type.Object({ caseId: Type.String({ minLength: 3, maxLength: 64, pattern: '^cas_[0-9a-z]+$' }) });
