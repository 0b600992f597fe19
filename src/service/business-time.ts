import { DateTime, IANAZone } from 'luxon';
import type { WorkingHours } from './tables.js';
import { invalid, type FieldIssue } from '../errors.js';

/** A business-hours calendar: an IANA zone, working hours per ISO weekday and holiday dates. */
export interface Calendar {
  timeZone: string;
  /** Empty means round the clock, every day but holidays. */
  workingHours: WorkingHours[];
  /** 'YYYY-MM-DD' in the calendar's zone */
  holidays: string[];
}

const CLOCK = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ROUND_THE_CLOCK: WorkingHours[] = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' }));
/** How far ahead a due time is searched: a calendar with no working time in ten years is broken. */
const MAX_DAYS = 3660;

function minutesOf(clock: string): number {
  const match = CLOCK.exec(clock);
  if (!match) return Number.NaN;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Every problem with a calendar, by field path; empty when it is usable. */
export function calendarIssues(calendar: Calendar, path = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!IANAZone.isValidZone(calendar.timeZone)) {
    issues.push({ path: `${path}/timeZone`, message: `"${calendar.timeZone}" is not an IANA time zone such as Europe/London` });
  }
  calendar.workingHours.forEach((hours, i) => {
    const start = minutesOf(hours.start);
    const end = minutesOf(hours.end);
    if (!Number.isInteger(hours.day) || hours.day < 1 || hours.day > 7) {
      issues.push({ path: `${path}/workingHours/${i}/day`, message: 'must be an ISO weekday, 1 (Monday) to 7 (Sunday)' });
    }
    if (Number.isNaN(start) || start >= 24 * 60)
      issues.push({ path: `${path}/workingHours/${i}/start`, message: 'must be HH:MM, 00:00 to 23:59' });
    if (Number.isNaN(end) || end > 24 * 60)
      issues.push({ path: `${path}/workingHours/${i}/end`, message: 'must be HH:MM, 00:01 to 24:00' });
    if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) {
      issues.push({
        path: `${path}/workingHours/${i}/end`,
        message: `must be after start (${hours.start}); split a night shift at midnight`,
      });
    }
  });
  calendar.holidays.forEach((day, i) => {
    if (!DATE.test(day) || !DateTime.fromISO(day).isValid)
      issues.push({ path: `${path}/holidays/${i}`, message: 'must be a date, YYYY-MM-DD' });
  });
  return issues;
}

/** Working intervals of one local day as [start, end) epoch milliseconds, in order. */
function intervalsOn(day: DateTime, calendar: Calendar, holidays: Set<string>): Array<[number, number]> {
  if (holidays.has(day.toISODate() ?? '')) return [];
  const hours = calendar.workingHours.length ? calendar.workingHours : ROUND_THE_CLOCK;
  const out: Array<[number, number]> = [];
  for (const h of hours) {
    if (h.day !== day.weekday) continue;
    // Local wall-clock times are placed through the zone, so a 23- or 25-hour day and a
    // skipped or repeated hour come out at their true instants.
    const at = (minutes: number) =>
      minutes >= 24 * 60 ? day.plus({ days: 1 }).startOf('day') : day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
    const start = at(minutesOf(h.start)).toMillis();
    const end = at(minutesOf(h.end)).toMillis();
    if (end > start) out.push([start, end]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function localDay(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone }).startOf('day');
}

/** Business seconds between two instants on a calendar (0 when `to` is not after `from`). */
export function businessSeconds(from: Date, to: Date, calendar: Calendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  const holidays = new Set(calendar.holidays);
  let total = 0;
  for (let day = localDay(a, calendar.timeZone); day.toMillis() < b; day = day.plus({ days: 1 }).startOf('day')) {
    for (const [start, end] of intervalsOn(day, calendar, holidays)) {
      const overlap = Math.min(end, b) - Math.max(start, a);
      if (overlap > 0) total += overlap;
    }
  }
  return Math.floor(total / 1000);
}

/** The instant when `seconds` of business time have passed after `from`. */
export function addBusinessSeconds(from: Date, seconds: number, calendar: Calendar): Date {
  if (seconds <= 0) return new Date(from);
  const a = from.getTime();
  const holidays = new Set(calendar.holidays);
  let remaining = seconds * 1000;
  let day = localDay(a, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 }).startOf('day')) {
    for (const [start, end] of intervalsOn(day, calendar, holidays)) {
      const from = Math.max(start, a);
      if (end <= from) continue;
      if (remaining <= end - from) return new Date(from + remaining);
      remaining -= end - from;
    }
  }
  throw invalid('/workingHours', `the calendar has no working time within ${MAX_DAYS} days`);
}
