import { describe, expect, it } from 'vitest';
import { addBusinessSeconds, businessSeconds, calendarIssues, type Calendar } from './business-time.js';

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const london: Calendar = { timeZone: 'Europe/London', workingHours: weekdays('09:00', '17:00'), holidays: ['2026-04-03', '2026-04-06'] };
const newYork: Calendar = { timeZone: 'America/New_York', workingHours: weekdays('09:00', '17:00'), holidays: [] };
const at = (iso: string) => new Date(iso);
const HOUR = 3600;

describe('business time', () => {
  it('counts round-the-clock time as real elapsed time across the spring-forward night', () => {
    const always: Calendar = { timeZone: 'Europe/London', workingHours: [], holidays: [] };
    // Saturday 12:00 GMT to Sunday 13:00 BST is 24 real hours.
    expect(businessSeconds(at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'), always)).toBe(24 * HOUR);
  });

  it('gives a London spring-forward night its missing hour and a New York fall-back night its extra one', () => {
    const sundayNight = (timeZone: string): Calendar => ({
      timeZone,
      workingHours: [{ day: 7, start: '00:00', end: '04:00' }],
      holidays: [],
    });
    // 29 March 2026: 01:00 GMT jumps to 02:00 BST, so 00:00–04:00 local lasts 3 hours.
    expect(businessSeconds(at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'), sundayNight('Europe/London'))).toBe(3 * HOUR);
    // 1 November 2026: 02:00 EDT falls back to 01:00 EST, so 00:00–04:00 local lasts 5 hours.
    expect(businessSeconds(at('2026-10-31T00:00:00Z'), at('2026-11-03T00:00:00Z'), sundayNight('America/New_York'))).toBe(5 * HOUR);
    // The due time lands where the wall clock says: 4 business hours from Sunday 00:00 EDT is 03:00 EST.
    expect(addBusinessSeconds(at('2026-11-01T04:00:00Z'), 4 * HOUR, sundayNight('America/New_York')).toISOString()).toBe(
      '2026-11-01T08:00:00.000Z',
    );
  });

  it('skips nights and a weekend that crosses the London clock change', () => {
    // Friday 16:00 GMT to Monday 10:00 BST: one hour on Friday, one on Monday.
    expect(businessSeconds(at('2026-03-27T16:00:00Z'), at('2026-03-30T09:00:00Z'), london)).toBe(2 * HOUR);
    expect(addBusinessSeconds(at('2026-03-27T16:00:00Z'), 2 * HOUR, london).toISOString()).toBe('2026-03-30T09:00:00.000Z');
    // Monday 17:00 to Tuesday 09:00 is all night.
    expect(businessSeconds(at('2026-03-30T16:00:00Z'), at('2026-03-31T08:00:00Z'), london)).toBe(0);
  });

  it('skips holidays: Good Friday and Easter Monday', () => {
    // Thursday 2 April 16:00 BST plus two business hours is Tuesday 7 April 10:00 BST.
    expect(addBusinessSeconds(at('2026-04-02T15:00:00Z'), 2 * HOUR, london).toISOString()).toBe('2026-04-07T09:00:00.000Z');
    expect(businessSeconds(at('2026-04-02T15:00:00Z'), at('2026-04-07T09:00:00Z'), london)).toBe(2 * HOUR);
  });

  it('crosses the New York spring-forward weekend', () => {
    // Friday 6 March 16:00 EST + 2h = Monday 9 March 10:00 EDT.
    expect(addBusinessSeconds(at('2026-03-06T21:00:00Z'), 2 * HOUR, newYork).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(businessSeconds(at('2026-03-06T21:00:00Z'), at('2026-03-09T14:00:00Z'), newYork)).toBe(2 * HOUR);
  });

  it('starts the clock at the next opening when a case arrives out of hours', () => {
    // Saturday: 30 minutes of business time ends Monday 09:30 BST.
    expect(addBusinessSeconds(at('2026-04-11T10:00:00Z'), 1800, london).toISOString()).toBe('2026-04-13T08:30:00.000Z');
  });

  it('names every bad field of a calendar', () => {
    const issues = calendarIssues({
      timeZone: 'Mars/Olympus',
      workingHours: [{ day: 8, start: '17:00', end: '09:00' }],
      holidays: ['2026-02-30'],
    });
    expect(issues.map((i) => i.path)).toEqual(['/timeZone', '/workingHours/0/day', '/workingHours/0/end', '/holidays/0']);
  });
});
