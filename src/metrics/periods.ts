import { sql } from 'kysely';
import { Type, type Static } from 'typebox';
import { invalid } from '../errors.js';
import { DateOnly } from '../http/schemas.js';

// Periods: every metric takes its period as two dates, `from` and `to`, both inclusive, read
// in the workspace's reporting time zone: the period starts at the first instant of `from`
// and ends at the last instant of `to` there. The reporting time zone is UTC for every
// workspace today: the rollups count each row on its UTC day (the triggers in
// migrations/0900_metrics_rollups.sql), so a zone per workspace would have to reach them too.

export const REPORTING_TIME_ZONE = 'UTC';

const ZONE_RULE = 'in the workspace reporting time zone (UTC)';
export const PeriodFrom = DateOnly(`First day of the period, inclusive: from the start of that day ${ZONE_RULE}`);
export const PeriodTo = DateOnly(`Last day of the period, inclusive: to the end of that day ${ZONE_RULE}`);

export const IntervalSchema = Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
  description: 'Buckets of the series over time: days, weeks starting on Monday, or calendar months',
});
export type Interval = Static<typeof IntervalSchema>;

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const ymd = (at: Date) => at.toISOString().slice(0, 10);

/** The first instant of a day in the reporting time zone, plus some days. */
export const dayStart = (day: string, plusDays = 0) => new Date(Date.parse(`${day}T00:00:00Z`) + plusDays * DAY_MS);

/** The day holding an instant, in the reporting time zone, as YYYY-MM-DD. */
export const reportingDay = (at: Date) => ymd(at);

/** The period as instants: `start` inclusive, `end` exclusive (the start of the day after `to`). */
export function periodInstants(period: Period): { start: Date; end: Date } {
  return { start: dayStart(period.from), end: dayStart(period.to, 1) };
}

/** A longest period, for metrics whose series are read from day rows. */
export const THREE_YEARS = { days: 3 * 366, name: 'three years' } as const;

/** Rejects a period that ends before it starts or, when `longest` is given, spans more days than it. */
export function checkPeriod(period: Period, longest?: { days: number; name: string }): void {
  if (period.to < period.from) throw invalid('/to', `must not be before from (${period.from})`);
  if (longest && (dayStart(period.to).getTime() - dayStart(period.from).getTime()) / DAY_MS > longest.days) {
    throw invalid('/to', `the period may span at most ${longest.name}`);
  }
}

/** The start of the day, week (Monday) or month that holds a rollup row's `day`, as YYYY-MM-DD. */
export function intervalOf(interval: Interval) {
  // Truncated as a timestamp without time zone: no per-row conversion through the session's zone.
  return sql<string>`to_char(date_trunc(${interval}, day::timestamp), 'YYYY-MM-DD')`;
}

/** Suffix of the month-grain copy of a dimension in the rollups: its rows sit on the first day of the month. */
export const MONTH_GRAIN = '@month';

/**
 * The rollup rows covering a period for a dimension (a condition on a rollup table): whole
 * months from the month-grain rows and the ragged days at either end from the day rows, so a
 * quarter reads 3 rows per value, not 90.
 */
export function periodRows(workspaceId: string, dimension: string, from: string, to: string) {
  const start = dayStart(from);
  const end = dayStart(to);
  const firstMonth = start.getUTCDate() === 1 ? start : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const endsMonth = dayStart(to, 1).getUTCDate() === 1;
  const lastMonth = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + (endsMonth ? 0 : -1), 1));
  const days = sql`workspace_id = ${workspaceId} and dimension = ${dimension}`;
  if (firstMonth > lastMonth) return sql`(${days} and day between ${from}::date and ${to}::date)`;
  const afterLast = ymd(new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 1)));
  const months = sql`(workspace_id = ${workspaceId} and dimension = ${dimension + MONTH_GRAIN} and day between ${ymd(firstMonth)}::date and ${ymd(lastMonth)}::date)`;
  if (ymd(firstMonth) === from && afterLast === ymd(dayStart(to, 1))) return months;
  return sql`((${days} and ((day >= ${from}::date and day < ${ymd(firstMonth)}::date) or (day >= ${afterLast}::date and day <= ${to}::date)))
    or ${months})`;
}
