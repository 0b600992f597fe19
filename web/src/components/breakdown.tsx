import { useState } from 'react';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` days up to today, as ISO dates; fixed when the page opens, so re-renders ask for the same period. */
export function useRecentPeriod(days: number): { from: string; to: string } {
  const [now] = useState(() => Date.now());
  return { from: day(now - days * 86_400_000), to: day(now) };
}

/** The "By …" choice of a dashboard's breakdown: one option per grouping, as [value, label]. */
export function GroupingSelect({
  value,
  onChange,
  groupings,
}: {
  value: string;
  onChange(value: string): void;
  groupings: ReadonlyArray<readonly [string, string]>;
}) {
  return (
    <label>
      By{' '}
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {groupings.map(([option, label]) => (
          <option key={option} value={option}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
