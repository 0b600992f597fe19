import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set on routes whose body is checked by their own code instead (ingestion refuses a bad
     * event by its index in the batch, so that one event does not sink the others).
     */
    bodyCheckedByRoute?: boolean;
  }
}

/** How deep any request body may nest; past it a 400 names the place, before any handler recurses. */
export const MAX_BODY_DEPTH = 32;

/** The limits on a free-form JSON value (traits, evidence, message data, rule configs, event properties). */
export const FREE_JSON_LIMITS = { depth: 16, bytes: 32 * 1024 } as const;

/** The schema keyword that puts those limits on a field (FreeJson in schemas.ts; checked in validation.ts). */
export const JSON_LIMITS_KEYWORD = 'x-json-limits';

// PostgreSQL's text and jsonb refuse NUL (22021, 22P05) and half of a UTF-16 surrogate pair
// (which cannot be encoded as UTF-8): one regular expression finds either.
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL cannot store this text, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  if (!found) return undefined;
  return found[0] === '\u0000'
    ? 'contains a NUL character (U+0000), which cannot be stored'
    : 'contains an unpaired UTF-16 surrogate, which cannot be stored';
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** A key as it can be shown in a JSON pointer: `~` and `/` escaped, and the characters it was refused for made visible. */
function pointerKey(key: string): string {
  return key
    .replace(/~/g, '~0')
    .replace(/\//g, '~1')
    .replace(UNSTORABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface InputIssue {
  /** Text PostgreSQL cannot store, or a value nested past the limit. */
  kind: 'unstorable' | 'too_deep';
  path: string;
  message: string;
}

/**
 * The first place in a parsed value (JSON body, query, form) holding text PostgreSQL cannot
 * store, in a key or a string, or nested deeper than `maxDepth`. Walks with its own stack,
 * so a value nested thousands deep is measured, not a stack overflow.
 */
export function findInputIssue(value: unknown, maxDepth: number = MAX_BODY_DEPTH): InputIssue | undefined {
  const stack: Array<[unknown, string, number]> = [[value, '', 0]];
  while (stack.length > 0) {
    const [item, path, depth] = stack.pop() as [unknown, string, number];
    if (typeof item === 'string') {
      const reason = unstorableReason(item);
      if (reason) return { kind: 'unstorable', path: path || '/', message: reason };
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= maxDepth) return { kind: 'too_deep', path: path || '/', message: `is nested deeper than ${maxDepth} levels` };
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}/${i}`, depth + 1]);
      continue;
    }
    // Buffers and streams (file uploads) are read by their routes, not here.
    if (Buffer.isBuffer(item) || typeof (item as { pipe?: unknown }).pipe === 'function') continue;
    const keys = Object.keys(item);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      const childPath = `${path}/${pointerKey(key)}`;
      const reason = unstorableReason(key);
      if (reason) return { kind: 'unstorable', path: childPath, message: `has a key that ${reason}` };
      stack.push([(item as Record<string, unknown>)[key], childPath, depth + 1]);
    }
  }
  return undefined;
}

/** The depth and size limits of one free-form JSON value; the problem in words, or undefined. */
export function freeJsonProblem(value: unknown, limits: { depth: number; bytes: number } = FREE_JSON_LIMITS): string | undefined {
  const deep = findInputIssue(value, limits.depth);
  if (deep?.kind === 'too_deep') {
    return `is nested deeper than ${limits.depth} levels${deep.path === '/' ? '' : ` (at ${deep.path})`}`;
  }
  const json = JSON.stringify(value) ?? '';
  if (json.length > limits.bytes || Buffer.byteLength(json) > limits.bytes) {
    return `is larger than ${Math.round(limits.bytes / 1024)} KB as JSON`;
  }
  return undefined;
}

function refuse(part: 'params' | 'querystring' | 'body', issue: InputIssue): AppError {
  return new AppError('validation_failed', `Invalid request: ${part} ${issue.path} ${issue.message}`, {
    issues: [{ path: issue.path, in: part, message: issue.message }],
  });
}

function check(request: FastifyRequest): void {
  for (const part of ['params', 'querystring'] as const) {
    const issue = findInputIssue(part === 'params' ? request.params : request.query);
    if (issue) throw refuse(part, issue);
  }
  if (request.routeOptions.config.bodyCheckedByRoute) return;
  const issue = findInputIssue(request.body);
  if (issue) throw refuse('body', issue);
}

/**
 * The one guard of the HTTP surface: path parameters, query strings and parsed bodies (JSON,
 * forms) of every route are checked before schema validation, so that text PostgreSQL cannot
 * store, in a value or a key, is a 400 naming the field instead of a database error after
 * validation has passed, and a body nested thousands deep never reaches code that recurses.
 * Runs after authentication (an onRequest check), so an unauthenticated request gets its 401
 * whatever it carries.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => check(request));
}
