export interface LatencySummary {
  count: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Median, p90, p99 and max of a set of latencies in milliseconds. */
export function latencySummary(times: number[]): LatencySummary {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.reduce((sum, t) => sum + t, 0) / Math.max(1, sorted.length),
  };
}

export function formatLatency(s: LatencySummary): string {
  return `median ${s.median.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms (n=${s.count})`;
}
