import { sql, type RawBuilder } from 'kysely';
import { invalid } from '../errors.js';

/**
 * A position in a newest-first list: the exact time of the last row shown and its id.
 * The time is kept as text to the microsecond, because PostgreSQL stores microseconds and
 * a cursor cut to milliseconds would skip the rows in between.
 */
export interface Cursor {
  at: string;
  id: string;
}

/** The exact UTC text of a timestamptz column, for building a cursor from a row. */
export function exactTime(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
/** Rapport's ids are short printable ASCII: anything else in a cursor was not made by us. */
const CURSOR_ID = /^[\x21-\x7e]{1,100}$/;

/** An exact time a cursor may carry: the right shape and a real instant (no 31 February). */
function isExactTime(value: unknown): value is string {
  if (typeof value !== 'string' || !EXACT_TIME.test(value)) return false;
  const parsed = new Date(value.slice(0, 23) + 'Z');
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === value.slice(0, 19);
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/** Reads a cursor from a previous page; `path` names the parameter in the error. */
export function decodeCursor(text: string, path: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && isExactTime(value[0]) && typeof value[1] === 'string' && CURSOR_ID.test(value[1])) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw invalid(path, 'is not a cursor from a previous page');
}

/** `(time, id) < cursor`: the rows after the cursor in newest-first order. */
export function olderThan(time: RawBuilder<unknown>, id: RawBuilder<unknown>, cursor: Cursor): RawBuilder<boolean> {
  return sql<boolean>`(${time}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id})`;
}

/** The cursor for the next page, or null when this page was the last. */
export function nextCursor<T extends { cursorAt: string; id: string }>(rows: T[], limit: number): string | null {
  const last = rows[rows.length - 1];
  return rows.length === limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null;
}

/**
 * A position in a list ordered by several keys (e.g. the case inbox: most urgent due time
 * first, then oldest): the exact values of the last row's keys, each an exact time or null.
 */
export function encodeKeyCursor(keys: (string | null)[], id: string): string {
  return Buffer.from(JSON.stringify([...keys, id])).toString('base64url');
}

/** Reads a cursor made by `encodeKeyCursor` with `arity` keys; `path` names the parameter in the error. */
export function decodeKeyCursor(text: string, path: string, arity: number): { keys: (string | null)[]; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === arity + 1) {
      const keys = value.slice(0, arity) as unknown[];
      const id = value[arity] as unknown;
      if (typeof id === 'string' && CURSOR_ID.test(id) && keys.every((k) => k === null || isExactTime(k))) {
        return { keys: keys as (string | null)[], id };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw invalid(path, 'is not a cursor from a previous page');
}
