import type { JsonObject } from '../db/columns.js';

// Some values a message carries are for the customer's eyes only: a survey link is the
// customer's credential to answer, and staff who could read it could answer in the
// customer's place (and raise their own scorecard). Such values go into the message that
// is sent, but every staff view of it (the API, the timeline, exports) shows them withheld.
// The keys are recorded on the stored payload, so a view needs nothing but the row.

const MARK = '_withheld';

/** What staff read in place of a withheld value of `data.<key>`. */
export function placeholderOf(key: string): string {
  return `[${key} withheld]`;
}

/** The withheld keys recorded on a stored payload that hold text. */
export function withheldKeys(payload: JsonObject): string[] {
  const keys = payload[MARK];
  return Array.isArray(keys)
    ? keys.filter((k): k is string => typeof k === 'string' && typeof payload[k] === 'string' && payload[k] !== '')
    : [];
}

/** `data` with the withheld values replaced by their placeholders. */
export function maskData(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, keys.includes(k) && typeof v === 'string' ? placeholderOf(k) : v]));
}

/** Text with every occurrence of a withheld value replaced by its placeholder. */
export function maskText<T extends string | null>(text: T, data: Record<string, unknown>, keys: readonly string[]): T {
  if (text === null) return text;
  let masked: string = text;
  for (const key of keys) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') masked = masked.split(value).join(placeholderOf(key));
  }
  return masked as T;
}

/** The payload to store: the data, and which of its keys are withheld from staff. */
export function sealPayload(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return keys.length ? { ...data, [MARK]: [...keys] } : data;
}

/** A stored message as staff may see it: withheld values replaced in its subject, body and payload. */
export function forStaff<T extends { subject: string | null; body: string | null; payload: JsonObject }>(row: T): T {
  const keys = withheldKeys(row.payload);
  if (!keys.length) return row;
  return {
    ...row,
    subject: maskText(row.subject, row.payload, keys),
    body: maskText(row.body, row.payload, keys),
    payload: maskData(row.payload, keys) as JsonObject,
  };
}
