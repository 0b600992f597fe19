import type { FeedbackFigures } from './schemas.js';

// The arithmetic of the metric conventions (shared/DESIGN.md), from rollup counters.

export const COUNTERS = [
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
export type Counter = (typeof COUNTERS)[number];
export type Sums = Record<Counter, number>;

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
const percent = (part: number, whole: number) => (whole === 0 ? null : round((part / whole) * 100, 1));

/**
 * NPS and its 95% margin of error. Each answer scores +1 (promoter), 0 (passive) or −1
 * (detractor); NPS is their mean × 100, and its variance per answer is
 * p₊ + p₋ − (p₊ − p₋)², so the margin is 1.96 · √(variance / n) · 100 NPS points.
 */
export function npsOf(n: number, promoters: number, detractors: number): { score: number | null; marginOfError: number | null } {
  if (n === 0) return { score: null, marginOfError: null };
  const pp = promoters / n;
  const pd = detractors / n;
  const variance = Math.max(0, pp + pd - (pp - pd) ** 2);
  return { score: round((pp - pd) * 100, 1), marginOfError: round(1.96 * Math.sqrt(variance / n) * 100, 1) };
}

export function emptySums(): Sums {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Sums;
}

/** Counters from a database row (bigint sums arrive as numbers or text), missing ones as 0. */
export function sumsOf(row: Record<string, unknown>): Sums {
  return Object.fromEntries(COUNTERS.map((c) => [c, Number(row[c] ?? 0)])) as Sums;
}

export function figuresOf(s: Sums): FeedbackFigures {
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
    csat: { count: s.csat_n, satisfied: s.csat_satisfied, percent: percent(s.csat_satisfied, s.csat_n) },
    ces: {
      count: s.ces_n,
      agree: s.ces_agree,
      percentAgree: percent(s.ces_agree, s.ces_n),
      mean: s.ces_n === 0 ? null : round(s.ces_sum / s.ces_n, 2),
    },
    elevatedFeelings: { asked: s.feelings_asked, named: s.feelings_elevated, percent: percent(s.feelings_elevated, s.feelings_asked) },
    sentiment: { count: s.sentiment_n, mean: s.sentiment_n === 0 ? null : round(s.sentiment_milli_sum / 1000 / s.sentiment_n, 3) },
  };
}
