import { sql, type Expression, type RawBuilder } from 'kysely';

// Net Promoter Score (shared/DESIGN.md, "Metric conventions"): answers 0–10; promoters 9–10,
// passives 7–8, detractors 0–6; NPS = %promoters − %detractors, reported with its count and
// margin of error. Every place that sorts an NPS answer into a class reads these constants,
// the SQL included (see npsClassSql); the rollup triggers in migrations restate them and
// src/metrics/rollup-thresholds.test.ts proves they agree.

export const NPS_MIN = 0;
export const NPS_MAX = 10;
/** The lowest promoter score. */
export const NPS_PROMOTER_MIN = 9;
/** The highest detractor score; passives lie between. */
export const NPS_DETRACTOR_MAX = 6;

export type NpsClass = 'promoter' | 'passive' | 'detractor';

export function npsClass(score: number): NpsClass {
  return score >= NPS_PROMOTER_MIN ? 'promoter' : score <= NPS_DETRACTOR_MAX ? 'detractor' : 'passive';
}

export const isPromoter = (score: number) => npsClass(score) === 'promoter';
export const isDetractor = (score: number) => npsClass(score) === 'detractor';

/** SQL conditions on an NPS column (null when the column is null), from the same constants. */
export const npsClassSql = {
  promoter: (score: Expression<number | null> | RawBuilder<unknown>) => sql<boolean>`${score} >= ${sql.lit(NPS_PROMOTER_MIN)}`,
  detractor: (score: Expression<number | null> | RawBuilder<unknown>) => sql<boolean>`${score} <= ${sql.lit(NPS_DETRACTOR_MAX)}`,
};

export interface Nps {
  /** %promoters − %detractors, −100 to 100, one decimal; null with no answers. */
  score: number | null;
  /** The 95% margin of error in NPS points, one decimal; null with no answers. */
  marginOfError: number | null;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * NPS and its 95% margin of error from the count of answers and of promoters and detractors
 * among them. Each answer scores +1 (promoter), 0 (passive) or −1 (detractor); NPS is their
 * mean × 100, and its variance per answer is p₊ + p₋ − (p₊ − p₋)², so the margin is
 * 1.96 · √(variance / n) · 100 NPS points.
 */
export function npsOf(count: number, promoters: number, detractors: number): Nps {
  if (count === 0) return { score: null, marginOfError: null };
  const pp = promoters / count;
  const pd = detractors / count;
  const variance = Math.max(0, pp + pd - (pp - pd) ** 2);
  return { score: round1((pp - pd) * 100), marginOfError: round1(1.96 * Math.sqrt(variance / count) * 100) };
}
