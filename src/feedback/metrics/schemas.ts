import { Type, type Static } from 'typebox';
import { Nullable, OneOf } from '../../http/schemas.js';
import { IntervalSchema as Interval, PeriodFrom, PeriodTo } from '../../metrics/periods.js';
import { SURVEY_KINDS } from '../tables.js';

const Kind = OneOf(SURVEY_KINDS, {
  description: 'Interaction and relationship surveys are reported apart',
});
const By = Type.Union([
  Type.Literal('all'),
  Type.Literal('channel'),
  Type.Literal('agent'),
  Type.Literal('team'),
  Type.Literal('job'),
  Type.Literal('product_line'),
  Type.Literal('segment'),
]);
const Value = Type.String({ maxLength: 100, description: 'One value of `by` ("" for none): restricts the series and the themes to it' });

export type FeedbackDimension = Static<typeof By>;

export const FeedbackMetricsQuery = Type.Object({
  from: PeriodFrom,
  to: PeriodTo,
  kind: Type.Optional(Kind),
  by: Type.Optional(By),
  value: Type.Optional(Value),
  interval: Type.Optional(Interval),
  series: Type.Optional(
    Type.Union([Type.Literal('total'), Type.Literal('groups')], {
      description: 'total (default): one series for the whole (or `value`); groups: one per value of `by`',
    }),
  ),
});
export type FeedbackMetricsQuery = Static<typeof FeedbackMetricsQuery>;

export const FeedbackThemesQuery = Type.Object({
  from: PeriodFrom,
  to: PeriodTo,
  kind: Type.Optional(Kind),
  by: Type.Optional(By),
  value: Type.Optional(Value),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 12 })),
});
export type FeedbackThemesQuery = Static<typeof FeedbackThemesQuery>;

export const ScorecardQuery = Type.Object({ from: PeriodFrom, to: PeriodTo, kind: Type.Optional(Kind) });
export type ScorecardQuery = Static<typeof ScorecardQuery>;

const Percent = Nullable(Type.Number({ description: 'Percent, 0 to 100, one decimal; null when nothing was answered' }));

export const FeedbackFiguresSchema = Type.Object({
  responses: Type.Integer(),
  complete: Type.Integer(),
  nps: Type.Object({
    count: Type.Integer(),
    promoters: Type.Integer(),
    passives: Type.Integer(),
    detractors: Type.Integer(),
    score: Nullable(Type.Number({ description: '%promoters − %detractors, −100 to 100' })),
    marginOfError: Nullable(Type.Number({ description: '95% margin of error in NPS points' })),
  }),
  csat: Type.Object({ count: Type.Integer(), satisfied: Type.Integer(), percent: Percent }),
  ces: Type.Object({ count: Type.Integer(), agree: Type.Integer(), percentAgree: Percent, mean: Nullable(Type.Number()) }),
  elevatedFeelings: Type.Object({
    asked: Type.Integer({ description: 'Responses that were asked the feelings question' }),
    named: Type.Integer({ description: 'Of those, responses naming at least one elevated feeling' }),
    percent: Percent,
  }),
  sentiment: Type.Object({ count: Type.Integer(), mean: Nullable(Type.Number({ description: '−1 to 1' })) }),
});
export type FeedbackFigures = Static<typeof FeedbackFiguresSchema>;

const Group = Type.Intersect([Type.Object({ value: Nullable(Type.String()), label: Type.String() }), FeedbackFiguresSchema]);

export const FeedbackMetricsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  kind: Kind,
  by: By,
  interval: Interval,
  total: FeedbackFiguresSchema,
  groups: Type.Array(Group),
  series: Type.Array(
    Type.Intersect([Type.Object({ period: Type.String(), value: Nullable(Type.String()), label: Type.String() }), FeedbackFiguresSchema]),
  ),
});
export type FeedbackMetrics = Static<typeof FeedbackMetricsSchema>;

export const ThemeSchema = Type.Object({
  theme: Type.String(),
  count: Type.Integer({ description: 'Responses naming the theme' }),
  percent: Percent,
  sentiment: Type.Object({ count: Type.Integer(), mean: Nullable(Type.Number()) }),
  quotes: Type.Array(
    Type.Object({
      responseId: Type.String(),
      comment: Type.String(),
      sentimentScore: Nullable(Type.Number()),
      answeredAt: Type.String({ format: 'date-time' }),
    }),
    { description: 'Up to 3 recent comments naming the theme' },
  ),
});

export const FeedbackThemesSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  kind: Kind,
  responses: Type.Integer({ description: 'Responses in the period (and value), the base of `percent`' }),
  data: Type.Array(ThemeSchema),
});
export type FeedbackThemes = Static<typeof FeedbackThemesSchema>;

export const ScorecardsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  kind: Kind,
  data: Type.Array(Type.Intersect([Type.Object({ agentId: Type.String(), name: Type.String() }), FeedbackFiguresSchema])),
});
export type Scorecards = Static<typeof ScorecardsSchema>;
