/** Minutes since local midnight of an instant in a time zone. */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

/** Whether a minute of the day falls in quiet hours [start, end), which may wrap past midnight (22:00–07:00). */
export function inQuietHours(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const MINUTE = 60_000;

/**
 * The first instant at or after `at` outside the customer's quiet hours, read on their
 * own clock. Without a time zone the workspace's (`fallbackZone`) is used. A daylight-saving
 * change inside the quiet window would shift the naive answer by an hour, so the answer is
 * checked on the local clock and moved by the difference.
 */
export function nextSendTime(
  at: Date,
  quiet: { start: number | null; end: number | null; timeZone: string | null },
  fallbackZone = 'UTC',
): Date {
  if (quiet.start === null || quiet.end === null) return at;
  const zone = quiet.timeZone && isValidTimeZone(quiet.timeZone) ? quiet.timeZone : fallbackZone;
  const now = localMinuteOfDay(at, zone);
  if (!inQuietHours(now, quiet.start, quiet.end)) return at;
  const wait = (quiet.end - now + 1440) % 1440;
  const startOfMinute = Math.floor(at.getTime() / MINUTE) * MINUTE;
  let candidate = new Date(startOfMinute + wait * MINUTE);
  const drift = ((quiet.end - localMinuteOfDay(candidate, zone) + 1440 + 720) % 1440) - 720;
  if (drift !== 0) candidate = new Date(candidate.getTime() + drift * MINUTE);
  return candidate;
}
