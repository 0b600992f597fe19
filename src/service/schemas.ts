import { Type, type Static } from 'typebox';
import { DateTime, Limit, Nullable, OneOf, PageBefore, PageOf } from '../http/schemas.js';
import { CASE_PRIORITIES, CASE_STATES, CHANNELS, DIRECTIONS } from './tables.js';

// Request and response shapes of interactions and cases.

export const CASE_ACTIONS = ['assign', 'respond', 'pending', 'resolve', 'reopen', 'close'] as const;

export const ChannelSchema = OneOf(CHANNELS);
export const DirectionSchema = OneOf(DIRECTIONS);
export const CaseStateSchema = OneOf(CASE_STATES);
export const PrioritySchema = OneOf(CASE_PRIORITIES);
export const CaseActionSchema = OneOf(CASE_ACTIONS);

const Ref = Type.String({ minLength: 1, maxLength: 64 });
const OptionalRef = Type.Optional(Nullable(Ref));
const OptionalText = (maxLength: number) => Type.Optional(Nullable(Type.String({ maxLength })));

export const InteractionSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  channel: ChannelSchema,
  direction: DirectionSchema,
  agentId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  jobId: Nullable(Type.String()),
  caseId: Nullable(Type.String()),
  productLineId: Nullable(Type.String()),
  startedAt: DateTime,
  endedAt: Nullable(DateTime),
  outcome: Nullable(Type.String()),
  note: Nullable(Type.String()),
  source: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  createdAt: DateTime,
});
export type Interaction = Static<typeof InteractionSchema>;

export const InteractionInput = Type.Object(
  {
    customerId: Ref,
    channel: ChannelSchema,
    direction: DirectionSchema,
    agentId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'A user of the workspace (usr_…)' }))),
    teamId: OptionalRef,
    jobId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'A job id (job_…) or a job code' }))),
    caseId: OptionalRef,
    productLineId: OptionalRef,
    startedAt: DateTime,
    endedAt: Type.Optional(Nullable(DateTime)),
    outcome: OptionalText(200),
    note: OptionalText(4000),
    source: OptionalText(100),
    externalId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'With source, makes a resend a no-op' }))),
  },
  { additionalProperties: false },
);
export type InteractionInput = Static<typeof InteractionInput>;

export const InteractionBulkInput = Type.Object(
  { interactions: Type.Array(InteractionInput, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export const InteractionBulkResult = Type.Object({
  recorded: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(
    Type.Object({
      index: Type.Integer(),
      id: Type.Optional(Type.String()),
      error: Type.Optional(
        Type.Object({
          code: Type.String(),
          message: Type.String(),
          issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
        }),
      ),
    }),
  ),
});

export const InteractionQuery = Type.Object({
  customerId: Type.Optional(Ref),
  caseId: Type.Optional(Ref),
  before: PageBefore,
  limit: Limit(200, 50),
});
export const InteractionList = PageOf(InteractionSchema);

export const EffortSchema = Type.Object({
  score: Type.Number({ description: 'See the README: 0 is a one-touch resolution' }),
  contacts: Type.Integer(),
  channelSwitches: Type.Integer(),
  transfers: Type.Integer(),
  reopens: Type.Integer(),
  repeatContact: Type.Boolean(),
  oneTouch: Type.Boolean(),
});

export const CaseSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  subject: Type.String(),
  state: CaseStateSchema,
  priority: PrioritySchema,
  channel: ChannelSchema,
  jobId: Nullable(Type.String()),
  productLineId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
  slaPolicyId: Nullable(Type.String()),
  complaint: Type.Boolean(),
  complaintCategory: Nullable(Type.String()),
  openedAt: DateTime,
  firstResponseDueAt: Nullable(DateTime),
  resolutionDueAt: Nullable(DateTime),
  firstRespondedAt: Nullable(DateTime),
  resolvedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  firstResponseSeconds: Nullable(Type.Integer({ description: 'Business seconds' })),
  resolutionSeconds: Nullable(Type.Integer({ description: 'Business seconds, pending time excluded' })),
  firstResponseBreachedAt: Nullable(DateTime),
  resolutionBreachedAt: Nullable(DateTime),
  effort: EffortSchema,
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Case = Static<typeof CaseSchema>;

export const CaseEventSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  fromState: Nullable(CaseStateSchema),
  toState: Nullable(CaseStateSchema),
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  occurredAt: DateTime,
});
export type CaseEvent = Static<typeof CaseEventSchema>;

export const CaseDetail = Type.Intersect([
  CaseSchema,
  Type.Object({ interactions: Type.Array(InteractionSchema), events: Type.Array(CaseEventSchema) }),
]);

export const CaseInput = Type.Object(
  {
    customerId: Ref,
    subject: Type.String({ minLength: 1, maxLength: 300 }),
    channel: ChannelSchema,
    priority: Type.Optional(PrioritySchema),
    jobId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'A job id or code' }))),
    productLineId: OptionalRef,
    teamId: OptionalRef,
    agentId: OptionalRef,
    slaPolicyId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'Defaults to the default policy' }))),
    openedAt: Type.Optional(DateTime),
    complaint: Type.Optional(Type.Boolean()),
    complaintCategory: OptionalText(100),
  },
  { additionalProperties: false },
);
export type CaseInput = Static<typeof CaseInput>;

export const CaseActionParams = Type.Object({
  id: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z]+_[0-9a-z]+$' }),
  action: CaseActionSchema,
});
export const CaseActionBody = Type.Object(
  {
    agentId: Type.Optional(Nullable(Ref)),
    teamId: Type.Optional(Nullable(Ref)),
    at: Type.Optional(DateTime),
    note: OptionalText(2000),
  },
  { additionalProperties: false },
);
export type CaseActionBody = Static<typeof CaseActionBody>;

export const ComplaintBody = Type.Object({ complaint: Type.Boolean(), category: OptionalText(100) }, { additionalProperties: false });

export const CaseQuery = Type.Object({
  view: Type.Optional(
    Type.Union([Type.Literal('mine'), Type.Literal('team'), Type.Literal('breaching'), Type.Literal('all')], {
      description: 'mine: assigned to me; team: my teams; breaching: due within `withinMinutes` or already breached',
    }),
  ),
  customerId: Type.Optional(Ref),
  agentId: Type.Optional(Ref),
  teamId: Type.Optional(Ref),
  state: Type.Optional(CaseStateSchema),
  withinMinutes: Type.Integer({ minimum: 1, maximum: 10080, default: 60 }),
  before: PageBefore,
  limit: Limit(200, 50),
});
export type CaseQuery = Static<typeof CaseQuery>;
export const CaseList = PageOf(CaseSchema);
