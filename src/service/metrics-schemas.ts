import { Type, type Static } from 'typebox';
import { Nullable } from '../http/schemas.js';
import { IntervalSchema, PeriodFrom, PeriodTo } from '../metrics/periods.js';

export const MetricsQuery = Type.Object({
  from: PeriodFrom,
  to: PeriodTo,
  by: Type.Optional(
    Type.Union([
      Type.Literal('all'),
      Type.Literal('channel'),
      Type.Literal('team'),
      Type.Literal('agent'),
      Type.Literal('job'),
      Type.Literal('product_line'),
    ]),
  ),
  value: Type.Optional(Type.String({ maxLength: 64, description: 'Restrict the series over time to one value of `by` ("" for none)' })),
  interval: Type.Optional(IntervalSchema),
});
export type MetricsQuery = Static<typeof MetricsQuery>;

const Seconds = Nullable(Type.Integer({ description: 'Business seconds' }));
const Speed = Type.Object({ count: Type.Integer(), medianSeconds: Seconds, p90Seconds: Seconds, meanSeconds: Seconds });
const Rate = Nullable(Type.Number({ description: 'A share, 0 to 1; null when there is nothing to divide by' }));

export const MetricFiguresSchema = Type.Object({
  interactions: Type.Integer(),
  casesOpened: Type.Integer(),
  complaints: Type.Integer(),
  firstResponse: Speed,
  resolution: Speed,
  slaAttainment: Type.Object({ firstResponse: Rate, resolution: Rate, overall: Rate }),
  oneTouchRate: Rate,
  repeatContactRate: Rate,
  customersHolding: Nullable(Type.Integer()),
  complaintsPer1000Customers: Nullable(Type.Number()),
});
export type MetricFigures = Static<typeof MetricFiguresSchema>;

export const ServiceMetricsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  by: Type.String(),
  interval: Type.String(),
  groups: Type.Array(Type.Intersect([Type.Object({ value: Nullable(Type.String()), label: Type.String() }), MetricFiguresSchema])),
  series: Type.Array(Type.Intersect([Type.Object({ period: Type.String() }), MetricFiguresSchema])),
});
export type ServiceMetrics = Static<typeof ServiceMetricsSchema>;
