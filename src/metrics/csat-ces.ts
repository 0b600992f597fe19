import { sql, type Expression, type RawBuilder } from 'kysely';

// CSAT and CES (shared/DESIGN.md, "Metric conventions"): CSAT answers 1–5, reported as the %
// of answers that are 4 or 5; CES answers 1–7 (agreement that it was easy), reported as the %
// agreeing (5–7) and the mean. A CSAT of 1–2 is a dissatisfied customer, whom feedback calls
// back. The rollup triggers in migrations restate these thresholds;
// src/metrics/rollup-thresholds.test.ts proves they agree.

/** The lowest satisfied CSAT answer. */
export const CSAT_SATISFIED_MIN = 4;
/** The highest dissatisfied CSAT answer; 3 is neither. */
export const CSAT_DISSATISFIED_MAX = 2;
/** The lowest CES answer that agrees it was easy. */
export const CES_AGREE_MIN = 5;

export type CsatClass = 'satisfied' | 'neutral' | 'dissatisfied';

export function csatClass(score: number): CsatClass {
  return score >= CSAT_SATISFIED_MIN ? 'satisfied' : score <= CSAT_DISSATISFIED_MAX ? 'dissatisfied' : 'neutral';
}

type Column = Expression<number | null> | RawBuilder<unknown>;

/** SQL conditions on a CSAT or CES column (null when the column is null), from the same constants. */
export const csatCesSql = {
  satisfied: (csat: Column) => sql<boolean>`${csat} >= ${sql.lit(CSAT_SATISFIED_MIN)}`,
  agree: (ces: Column) => sql<boolean>`${ces} >= ${sql.lit(CES_AGREE_MIN)}`,
};

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** A percentage with one decimal; null when there is nothing to divide by. */
export const percentOf = (part: number, whole: number) => (whole === 0 ? null : round((part / whole) * 100, 1));

/** A mean with two decimals; null with no answers. */
export const meanOf = (sum: number, count: number) => (count === 0 ? null : round(sum / count, 2));
