import { sql, type Expression } from 'kysely';

// Log-spaced buckets of business seconds: bucket 0 holds answers under a minute, bucket
// b ≥ 1 holds [60·r^(b−1), 60·r^b) with r = 1.15, so a percentile read from the buckets
// is within 7.5% of the exact value; the last bucket (about 200 business days) is open.
// The service rollup trigger (migrations/0900_metrics_rollups.sql) buckets the same way.
const FIRST = 60;
const RATIO = 1.15;
export const LAST_BUCKET = 90;

export function bucketOf(seconds: number): number {
  if (seconds < FIRST) return 0;
  return Math.min(LAST_BUCKET, 1 + Math.floor(Math.log(seconds / FIRST) / Math.log(RATIO)));
}

/** bucketOf in SQL, for the set-based rebuild. */
export function bucketSql(seconds: Expression<number | string | null>) {
  return sql<number>`case when ${seconds} < ${sql.lit(FIRST)} then 0
    else least(${sql.lit(LAST_BUCKET)}, 1 + floor(ln(${seconds} / ${sql.lit(FIRST)}::numeric) / ln(${sql.lit(RATIO)})))::int end`;
}

function lowerBound(bucket: number): number {
  return bucket === 0 ? 0 : FIRST * RATIO ** (bucket - 1);
}

function upperBound(bucket: number): number {
  return FIRST * RATIO ** bucket;
}

/**
 * The q-quantile (0 < q < 1) of the values counted in the buckets, interpolated inside
 * its bucket; null when there are none.
 */
export function quantileOf(buckets: ReadonlyArray<{ bucket: number; n: number }>, q: number): number | null {
  const sorted = [...buckets].filter((b) => b.n > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of sorted) {
    if (seen + b.n >= rank) {
      const low = lowerBound(b.bucket);
      const within = (rank - seen) / b.n;
      return Math.round(low + (upperBound(b.bucket) - low) * within);
    }
    seen += b.n;
  }
  return Math.round(lowerBound(sorted[sorted.length - 1]?.bucket ?? 0));
}
