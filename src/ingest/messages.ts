import { randomUUID } from 'node:crypto';
import type { IngestEventType } from './tables.js';
import type { JsonObject, JsonValue } from '../db/columns.js';
import { FREE_JSON_LIMITS, findInputIssue, unstorableReason } from '../http/input-guard.js';
import { EVENT_LIMIT_BYTES } from './body.js';
import type { EventSpans, Span } from './scan.js';

/**
 * One accepted event in the form every protocol is reduced to (the Segment spec's). Its three
 * documents travel as JSON text: the text the client sent when the body could be scanned
 * (scan.ts), otherwise serialised once here; the database parses only what it stores.
 */
export interface IngestEvent {
  messageId: string;
  type: IngestEventType;
  userId: string | null;
  anonymousId: string | null;
  name: string | null;
  groupId: string | null;
  previousId: string | null;
  /** When it happened by the server's clock (clock skew corrected), in epoch milliseconds. */
  occurredAtMs: number;
  sentAtMs: number | null;
  /** JSON text; `{}` for a track, page or screen that sent none. */
  properties: string | null;
  traits: string | null;
  /** The event's own context (JSON text), before the server's defaults are added. */
  context: string | null;
}

/** An event of a batch that was not kept, by its index in the batch, with the reason. */
export interface RejectedEvent {
  index: number;
  messageId?: string;
  reason: string;
}

/** What the request carried besides the events: stamped on each one. */
export interface RequestFacts {
  receivedAt: Date;
  ip: string;
  userAgent: string | undefined;
  /** The batch's own sentAt (Segment `sentAt`, PostHog `sent_at`). */
  batchSentAt?: unknown;
  /** Context sent once for a whole batch (Segment allows it). */
  batchContext?: unknown;
}

const TYPES = new Set<IngestEventType>(['track', 'page', 'screen', 'identify', 'group', 'alias']);

/** analytics.js abbreviates the type in its paths (`/v1/t`). */
export const TYPE_BY_LETTER: Record<string, IngestEventType> = {
  t: 'track',
  p: 'page',
  s: 'screen',
  i: 'identify',
  g: 'group',
  a: 'alias',
};

class Rejection extends Error {}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NUL_REASON = 'the event contains a NUL character (\\u0000), which cannot be stored';
const SURROGATE_REASON = 'the event contains an unpaired UTF-16 surrogate, which cannot be stored';
const TOO_DEEP_REASON = `the event is nested deeper than ${FREE_JSON_LIMITS.depth} levels in its properties, traits or context`;

function optionalId(message: JsonObject, field: string): string | null {
  const value = message[field];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new Rejection(`${field} must be a string`);
  if (value.length > 255) throw new Rejection(`${field} is longer than 255 characters`);
  const unstorable = unstorableReason(value);
  if (unstorable) throw new Rejection(unstorable.startsWith('contains a NUL') ? NUL_REASON : SURROGATE_REASON);
  return value;
}

// The range a JavaScript Date can hold; past it toISOString throws.
const MAX_TIME_MS = 8.64e15;

function parseTime(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME_MS) throw new Rejection(`${field} is not a valid ISO 8601 time`);
  return ms;
}

/** A batch's own sentAt, read once for all its events (a Rejection when it is not a time). */
type BatchSent = number | null | Rejection;

function batchSentOf(facts: RequestFacts): BatchSent {
  try {
    return parseTime(facts.batchSentAt, 'sentAt');
  } catch (error) {
    if (error instanceof Rejection) return error;
    throw error;
  }
}

/**
 * When it happened, by the server's clock: the Segment spec corrects a client clock that is
 * off by taking the event's age on the client (sentAt − timestamp) back from receivedAt.
 */
function occurredAt(message: JsonObject, facts: RequestFacts, batchSent: BatchSent): { occurredAtMs: number; sentAtMs: number | null } {
  const received = facts.receivedAt.getTime();
  const timestamp = parseTime(message.timestamp ?? message.originalTimestamp, 'timestamp');
  let sent: number | null;
  if (message.sentAt === undefined || message.sentAt === null) {
    if (batchSent instanceof Rejection) throw batchSent;
    sent = batchSent;
  } else {
    sent = parseTime(message.sentAt, 'sentAt');
  }
  if (timestamp === null) return { occurredAtMs: received, sentAtMs: sent };
  if (sent === null) return { occurredAtMs: timestamp, sentAtMs: sent };
  const corrected = received - (sent - timestamp);
  if (Math.abs(corrected) > MAX_TIME_MS) throw new Rejection('timestamp is not a valid ISO 8601 time');
  return { occurredAtMs: corrected, sentAtMs: sent };
}

const LONE_SURROGATE = /(?:^|[^\\])(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;
const DOCUMENTS = new Set(['properties', 'traits', 'context']);

/**
 * One of the event's documents as the JSON text that will be stored, or null when it sent
 * none: the text as sent when the body was scanned, otherwise serialised here.
 */
function documentOf(
  message: JsonObject,
  field: 'properties' | 'traits' | 'context',
  sent: SentText | undefined,
  spans: EventSpans | undefined,
): string | null {
  const value = message[field];
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new Rejection(`${field} must be an object`);
  const span = spans?.[field];
  // A scanned body holds no \u escape at all, so neither NUL nor an unpaired surrogate; its depth was counted by the scan.
  if (sent && span) return sent.text.slice(span[0], span[1]);
  // jsonb parses recursively: a document thousands deep would fail the whole batch's statement.
  if (findInputIssue(value, FREE_JSON_LIMITS.depth)?.kind === 'too_deep') throw new Rejection(TOO_DEEP_REASON);
  const json = JSON.stringify(value);
  // PostgreSQL's jsonb cannot hold a NUL character; one such event must not sink its batch.
  if (json.includes('\\u0000')) throw new Rejection(NUL_REASON);
  // Likewise half of a UTF-16 surrogate pair (JSON.stringify escapes only those and control
  // characters as \uD8xx–\uDFxx; an odd run of backslashes means the escape is real).
  if (LONE_SURROGATE.test(json)) throw new Rejection(SURROGATE_REASON);
  return json;
}

const tooLarge = () => new Rejection(`the event is larger than ${EVENT_LIMIT_BYTES / 1024} KB, the limit per event`);

/** The size of a scanned event as the client sent it. */
function checkRawSize(raw: SentText, [start, end]: Span): void {
  const chars = end - start;
  // UTF-8 takes at most 3 bytes per UTF-16 unit; count exactly only when that could matter.
  if (
    chars > EVENT_LIMIT_BYTES ||
    (!raw.ascii && chars * 3 > EVENT_LIMIT_BYTES && Buffer.byteLength(raw.text.slice(start, end)) > EVENT_LIMIT_BYTES)
  )
    throw tooLarge();
}

/**
 * The event's size as JSON, from the documents already serialised and the remaining (small)
 * fields, so that the whole message is not serialised a second time just to be measured.
 */
function checkSize(message: JsonObject, documents: Array<string | null>): void {
  let chars = 2;
  for (const json of documents) chars += json === null ? 0 : json.length;
  for (const key in message) {
    const value = message[key];
    if (value === undefined) continue;
    chars += key.length + 4;
    if (DOCUMENTS.has(key) && value !== null) continue;
    chars += typeof value === 'string' ? value.length : (JSON.stringify(value)?.length ?? 0);
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit; count exactly only when that could matter.
  if (chars * 3 <= EVENT_LIMIT_BYTES) return;
  let bytes = 2;
  for (const json of documents) bytes += json === null ? 0 : Buffer.byteLength(json);
  for (const key in message) {
    const value = message[key];
    if (value === undefined || (DOCUMENTS.has(key) && value !== null)) continue;
    bytes += Buffer.byteLength(key) + 4 + Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  }
  if (bytes > EVENT_LIMIT_BYTES) throw tooLarge();
}

/**
 * What the server adds to an event's context when the client did not say (the spec fills the
 * address, and a browser's agent, from the request); the event's own context wins, key by key.
 */
export function contextDefaults(facts: RequestFacts): JsonObject {
  const shared = isObject(facts.batchContext) ? facts.batchContext : {};
  return { ip: facts.ip, ...(facts.userAgent ? { userAgent: facts.userAgent } : {}), ...shared };
}

/** Checks one Segment-spec message and reduces it to an IngestEvent; throws a Rejection with the reason. */
function toEvent(
  raw: unknown,
  defaultType: IngestEventType | undefined,
  facts: RequestFacts,
  batchSent: BatchSent,
  body: SentText | undefined,
  spans: EventSpans | undefined,
): IngestEvent {
  if (!isObject(raw)) throw new Rejection('an event must be a JSON object');
  const sent = spans ? body : undefined;
  // The event object is one level; its documents may nest FREE_JSON_LIMITS.depth below it.
  if (spans && spans.depth > FREE_JSON_LIMITS.depth + 1) throw new Rejection(TOO_DEEP_REASON);
  const traits = documentOf(raw, 'traits', sent, spans);
  let properties = documentOf(raw, 'properties', sent, spans);
  const context = documentOf(raw, 'context', sent, spans);
  if (sent && spans) checkRawSize(sent, spans.span);
  else checkSize(raw, [properties, traits, context]);
  const type = (raw.type ?? defaultType) as IngestEventType;
  if (typeof type !== 'string' || !TYPES.has(type)) throw new Rejection(`type must be one of ${[...TYPES].join(', ')}`);
  const userId = optionalId(raw, 'userId');
  const anonymousId = optionalId(raw, 'anonymousId');
  const groupId = optionalId(raw, 'groupId');
  const previousId = optionalId(raw, 'previousId');
  if (!userId && !anonymousId && type !== 'group') throw new Rejection('userId or anonymousId is required');
  let name: string | null = null;
  if (type === 'track') {
    name = optionalId(raw, 'event');
    if (!name) throw new Rejection('event (the name of the tracked action) is required for track');
  } else if (type === 'page' || type === 'screen') {
    name = optionalId(raw, 'name');
  }
  if (type === 'group' && !groupId) throw new Rejection('groupId is required for group');
  if (type === 'alias' && (!previousId || !userId)) throw new Rejection('previousId and userId are required for alias');
  const messageId = optionalId(raw, 'messageId') ?? randomUUID();
  if (properties === null && (type === 'track' || type === 'page' || type === 'screen')) properties = '{}';
  return {
    messageId,
    type,
    userId,
    anonymousId,
    name,
    groupId,
    previousId,
    ...occurredAt(raw, facts, batchSent),
    properties,
    traits,
    context,
  };
}

export interface ReadBatch {
  events: IngestEvent[];
  rejected: RejectedEvent[];
}

/** The JSON text a body arrived as, and whether it is all ASCII (so that its characters are its bytes). */
export interface SentText {
  text: string;
  ascii: boolean;
}

/**
 * Reads a list of messages; the valid ones are kept, the rest reported by index with the
 * reason. With `sent` (the messages' spans in the body's text, one per message, from scan.ts),
 * the events keep their documents as sent instead of serialising them again.
 */
export function readMessages(
  messages: unknown[],
  facts: RequestFacts,
  defaultType?: IngestEventType,
  sent?: { body: SentText; spans: EventSpans[] | null },
): ReadBatch {
  const events: IngestEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const batchSent = batchSentOf(facts);
  const spans = sent?.spans && sent.spans.length === messages.length ? sent.spans : null;
  messages.forEach((message, index) => {
    try {
      events.push(toEvent(message, defaultType, facts, batchSent, sent?.body, spans?.[index]));
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      const messageId = isObject(message) && typeof message.messageId === 'string' ? message.messageId : undefined;
      rejected.push({ index, ...(messageId ? { messageId } : {}), reason: error.message });
    }
  });
  return { events, rejected };
}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A PostHog event as the Segment-spec message it means: `$identify`/`$set` identify,
 * `$create_alias` aliases, `$groupidentify` groups, `$pageview`/`$screen` are pages and
 * screens, anything else is a track. PostHog's `uuid` is the message id.
 */
export function fromPostHog(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const properties = isObject(raw.properties) ? raw.properties : {};
  const distinctId = raw.distinct_id ?? raw.distinctId;
  const base: JsonObject = {
    messageId: raw.uuid ?? null,
    timestamp: raw.timestamp ?? null,
    userId: distinctId ?? null,
    context: { library: { name: text(properties.$lib) ?? 'posthog', version: text(properties.$lib_version) ?? null } },
  };
  const event = raw.event;
  switch (event) {
    case '$identify':
    case '$set': {
      const set = isObject(properties.$set) ? properties.$set : {};
      const setOnce = isObject(properties.$set_once) ? properties.$set_once : {};
      return { ...base, type: 'identify', anonymousId: properties.$anon_distinct_id ?? null, traits: { ...setOnce, ...set } };
    }
    case '$create_alias':
      return { ...base, type: 'alias', previousId: properties.alias ?? null };
    case '$groupidentify': {
      const groupType = text(properties.$group_type) ?? 'group';
      const groupKey = properties.$group_key ?? null;
      // Without a person, posthog-node sends `$<type>_<key>` as the distinct id.
      const personless = distinctId === `$${groupType}_${String(groupKey)}`;
      const traits = { groupType, ...(isObject(properties.$group_set) ? properties.$group_set : {}) };
      return { ...base, type: 'group', userId: personless ? null : (distinctId ?? null), groupId: groupKey, traits };
    }
    case '$pageview':
      return { ...base, type: 'page', name: text(properties.title) ?? null, properties };
    case '$screen':
      return { ...base, type: 'screen', name: text(properties.$screen_name) ?? null, properties };
    default:
      return { ...base, type: 'track', event: event ?? null, properties };
  }
}
