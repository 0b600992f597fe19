import type { FeedbackFigures } from '../feedback/metrics/schemas.js';
import { meanOf, percentOf } from './csat-ces.js';
import { npsOf } from './nps.js';

// The feedback figures (shared/DESIGN.md, "Metric conventions") from the counters of the
// feedback rollups.

export const FEEDBACK_COUNTERS = [
  'responses',
  'complete',
  'nps_n',
  'nps_promoters',
  'nps_detractors',
  'csat_n',
  'csat_satisfied',
  'ces_n',
  'ces_agree',
  'ces_sum',
  'feelings_asked',
  'feelings_elevated',
  'sentiment_n',
  'sentiment_milli_sum',
] as const;
export type FeedbackCounter = (typeof FEEDBACK_COUNTERS)[number];
export type FeedbackSums = Record<FeedbackCounter, number>;

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Mean sentiment (−1 to 1, three decimals) from a sum in thousandths; null with none. */
export const sentimentMean = (milliSum: number, count: number) => (count === 0 ? null : round(milliSum / 1000 / count, 3));

export function emptySums(): FeedbackSums {
  return Object.fromEntries(FEEDBACK_COUNTERS.map((c) => [c, 0])) as FeedbackSums;
}

/** Counters from a database row (bigint sums arrive as numbers or text), missing ones as 0. */
export function sumsOf(row: Record<string, unknown>): FeedbackSums {
  return Object.fromEntries(FEEDBACK_COUNTERS.map((c) => [c, Number(row[c] ?? 0)])) as FeedbackSums;
}

export function figuresOf(s: FeedbackSums): FeedbackFigures {
  return {
    responses: s.responses,
    complete: s.complete,
    nps: {
      count: s.nps_n,
      promoters: s.nps_promoters,
      passives: s.nps_n - s.nps_promoters - s.nps_detractors,
      detractors: s.nps_detractors,
      ...npsOf(s.nps_n, s.nps_promoters, s.nps_detractors),
    },
    csat: { count: s.csat_n, satisfied: s.csat_satisfied, percent: percentOf(s.csat_satisfied, s.csat_n) },
    ces: { count: s.ces_n, agree: s.ces_agree, percentAgree: percentOf(s.ces_agree, s.ces_n), mean: meanOf(s.ces_sum, s.ces_n) },
    elevatedFeelings: { asked: s.feelings_asked, named: s.feelings_elevated, percent: percentOf(s.feelings_elevated, s.feelings_asked) },
    sentiment: { count: s.sentiment_n, mean: sentimentMean(s.sentiment_milli_sum, s.sentiment_n) },
  };
}
