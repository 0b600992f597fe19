/**
 * Where each event of a request body sits in the JSON text the client sent, so that the
 * acknowledgement path can store an event's documents (properties, traits, context) as the
 * very text that arrived, without serialising again what JSON.parse has just read, and measure
 * an event's size as sent (Segment's 32 KB limit is on the event as sent).
 *
 * The scanner runs only over text that JSON.parse has already accepted, so it checks no
 * syntax: it only steps over strings and nested values. It gives up (returns null) on any
 * text holding a `\u` escape, where a key could be spelled differently from how it reads
 * (`"propert\u0069es"`) and where the stored text needs the per-event checks for NUL and
 * unpaired surrogates; the caller then serialises the parsed events instead.
 */

/** [start, end) of a JSON value in the text. */
export type Span = [number, number];

/** One event object as sent: its own span, and those of its three documents when present (the last of duplicate keys, as JSON.parse keeps). */
export interface EventSpans {
  span: Span;
  /** How deeply the event nests (a flat event object is 1), counted on the way through for the depth limit. */
  depth: number;
  properties?: Span;
  traits?: Span;
  context?: Span;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return i;
}

/** The index just past the string that opens at `i` (a quote). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    if (quote < 0) return text.length;
    if (text.charCodeAt(quote - 1) !== BACKSLASH) return quote + 1;
    // A quote preceded by an odd run of backslashes is escaped.
    let backslashes = 0;
    for (let k = quote - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

// The deepest nesting met by the last valueEnd over an object or array (one number, not a result object, to keep the loop lean).
let deepest = 0;

/** The index just past the value that starts at `i`. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  deepest = 0;
  if (c === QUOTE) return stringEnd(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) {
        j = stringEnd(text, j);
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) {
        if (++depth > deepest) deepest = depth;
      } else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      } else if (Number.isNaN(d)) return text.length;
      j++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  for (;;) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || Number.isNaN(d))
      return j;
    j++;
  }
}

/**
 * Steps over the members of the object that opens at `i`, calling `member` with the start of
 * each key (just past its quote), its length, and the value's span; returns the index just past
 * the object, or -1 when the text is not what JSON.parse accepted.
 */
function eachMember(text: string, i: number, member: (keyStart: number, keyLength: number, start: number, end: number) => void): number {
  let j = skipSpace(text, i + 1);
  if (text.charCodeAt(j) === CLOSE_BRACE) return j + 1;
  for (;;) {
    const keyEnd = stringEnd(text, j);
    const keyStart = j + 1;
    j = skipSpace(text, keyEnd);
    if (text.charCodeAt(j) !== COLON) return -1;
    const start = skipSpace(text, j + 1);
    const end = valueEnd(text, start);
    member(keyStart, keyEnd - 1 - keyStart, start, end);
    j = skipSpace(text, end);
    const c = text.charCodeAt(j);
    if (c === CLOSE_BRACE) return j + 1;
    if (c !== COMMA) return -1;
    j = skipSpace(text, j + 1);
  }
}

/** The spans of the event between start and end; `depth` is that of the valueEnd that just found `end`. */
function eventAt(text: string, start: number, end: number, depth: number): EventSpans {
  const spans: EventSpans = { span: [start, end], depth };
  if (text.charCodeAt(start) !== OPEN_BRACE) return spans;
  // Keys are compared in place (no string is made per key): only three names matter.
  eachMember(text, start, (key, length, s, e) => {
    if (length === 10 && text.startsWith('properties', key)) spans.properties = [s, e];
    else if (length === 6 && text.startsWith('traits', key)) spans.traits = [s, e];
    else if (length === 7 && text.startsWith('context', key)) spans.context = [s, e];
  });
  return spans;
}

/** The spans of a body that is one event (`/v1/track`, Jitsu), or null when the text has a `\u` escape. */
export function scanEvent(text: string): EventSpans | null {
  if (text.includes('\\u')) return null;
  const start = skipSpace(text, 0);
  const end = valueEnd(text, start);
  return eventAt(text, start, end, deepest);
}

/**
 * The spans of each element of the body's top-level `batch` array (the last `batch` key, as
 * JSON.parse keeps), or null when the text has a `\u` escape or holds no such array.
 */
export function scanBatch(text: string): EventSpans[] | null {
  if (text.includes('\\u')) return null;
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== OPEN_BRACE) return null;
  let batch: Span | null = null;
  const end = eachMember(text, start, (key, length, s, e) => {
    if (length === 5 && text.startsWith('batch', key)) batch = [s, e];
  });
  const found = batch as Span | null;
  if (end < 0 || !found || text.charCodeAt(found[0]) !== OPEN_BRACKET) return null;
  const events: EventSpans[] = [];
  let j = skipSpace(text, found[0] + 1);
  if (text.charCodeAt(j) === CLOSE_BRACKET) return events;
  for (;;) {
    const e = valueEnd(text, j);
    events.push(eventAt(text, j, e, deepest));
    j = skipSpace(text, e);
    const c = text.charCodeAt(j);
    if (c === CLOSE_BRACKET) return events;
    if (c !== COMMA) return null;
    j = skipSpace(text, j + 1);
  }
}
