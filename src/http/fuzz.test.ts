import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../auth/actor.js';
import { createApiKey, signIn } from '../auth/service.js';
import { seedDemo, type SeedResult } from '../seed/seed.js';
import { useTestApp } from '../test/app.js';

/**
 * Walks every operation of /openapi.json, the public pages and the ingestion routes with
 * malformed input, as an admin of a small seeded workspace (so that requests reach the
 * handlers) and unauthenticated, and fails on any 5xx. Bounded: a fixed seed, a fixed list
 * of cases per operation plus a few random ones.
 */

const SEED = 20261206;
const RANDOM_CASES = 3;
const LONE = '\uD800';
const HUGE = 'x'.repeat(100_000);

const ctx = useTestApp();

const ID_PREFIXES: Record<string, string> = {
  customer: 'cus',
  case: 'cas',
  holding: 'hld',
  survey: 'srv',
  productLine: 'pl',
  product: 'prd',
  plan: 'pln',
  agent: 'usr',
  user: 'usr',
  team: 'tm',
  template: 'tpl',
  reward: 'rwd',
  interaction: 'int',
  household: 'hh',
  job: 'job',
  slaPolicy: 'sla',
  tier: 'tier',
  rule: 'grl',
  gift: 'gft',
};

/** The kind of id a path's `{id}` takes, by the collection before it. */
const PATH_PREFIXES: Record<string, string> = {
  customers: 'cus',
  households: 'hh',
  'product-lines': 'pl',
  products: 'prd',
  plans: 'pln',
  holdings: 'hld',
  transactions: 'txn',
  interactions: 'int',
  cases: 'cas',
  'message-templates': 'tpl',
  messages: 'msg',
  surveys: 'srv',
  gifts: 'gft',
  rules: 'grl',
  gestures: 'gw',
  'api-keys': 'key',
  members: 'usr',
  accounts: 'cus',
  'follow-ups': 'cas',
  'survey-invitations': 'inv',
};
/** Values a field of that name takes, so that plausible bodies get past the services' own checks. */
const NAME_HINTS: Record<string, string> = {
  email: 'fuzz@example.com',
  currency: 'GBP',
  timeZone: 'Europe/London',
  language: 'en',
  defaultLanguage: 'en',
  start: '09:00',
  end: '17:00',
  country: 'GB',
  phone: '+447700900123',
};
const STRING_CANDIDATES = [
  'fuzz',
  'fuzz@example.com',
  'en',
  'GBP',
  'fuzz_key',
  '+447700900123',
  '2025-01',
  '09:00',
  'Europe/London',
  'GB',
  'a1',
  'A',
];

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  /** Declares `security: []`: open without a sign-in (its own credential, if any, is in the request). */
  public: boolean;
  ingest: boolean;
}

interface Case {
  name: string;
  params?: Record<string, string>;
  query?: string;
  payload?: string | Buffer;
  contentType?: string;
}

/** Percent-encodes any JavaScript string, lone surrogates included (as WTF-8, which a server must refuse or decode). */
function encode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(text[i] as string);
  }
  return out;
}

function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

/** A plausible value for a schema: the starting point that the cases break one way at a time. */
function sample(schema: Schema, ids: string[], depth = 0, name = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return sample(union.find((s) => s.type !== 'null') ?? union[0] ?? {}, ids, depth, name);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s, ids, depth, name)));
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const [key, property] of Object.entries(schema.properties ?? {})) out[key] = sample(property, ids, depth + 1, key);
      return out;
    }
    case 'array':
      return depth > 6 ? [] : [sample(schema.items ?? {}, ids, depth + 1, name)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'date-time') return '2025-01-15T10:00:00Z';
      if (schema.format === 'date') return '2025-01-15';
      if (schema.format === 'email') return 'fuzz@example.com';
      if (schema.format === 'uri') return 'https://example.com/fuzz';
      // The first candidate the field's pattern and length allow, so that the plausible body mostly passes validation.
      const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
      const fits = (s: string) =>
        (!pattern || pattern.test(s)) && s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);
      // An id field gets a real id of its kind (customerId → cus_…), when the seed made one.
      const prefix = ID_PREFIXES[name.replace(/Id$/, '')];
      const ownKind = prefix ? ids.filter((id) => id.startsWith(`${prefix}_`)) : [];
      const hint = NAME_HINTS[name];
      const candidates = [
        ...ownKind,
        ...(hint ? [hint] : []),
        ...STRING_CANDIDATES,
        ...(pattern ? ids : []),
        'f'.repeat(Math.max(1, Math.min(schema.minLength ?? 1, 64))),
      ];
      return candidates.find(fits) ?? 'f';
    }
    default:
      return 'x';
  }
}

/** The value with every string (and key, when `keys`) passed through `change`. */
function mapStrings(value: unknown, change: (s: string) => string, keys = false): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, change, keys));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [keys ? change(k) : k, mapStrings(v, change, keys)]));
  }
  return value;
}

/** Where the strings of a value are (at most 8), as key paths. */
function stringPaths(value: unknown, path: string[] = [], into: string[][] = []): string[][] {
  if (into.length >= 8) return into;
  if (typeof value === 'string') into.push(path);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) stringPaths(v, [...path, k], into);
  }
  return into;
}

/** A copy of the value with the string at `path` changed. */
function setAt(value: unknown, path: string[], change: (s: string) => string): unknown {
  if (path.length === 0) return typeof value === 'string' ? change(value) : value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? setAt(v, rest, change) : v));
  return { ...(value as Record<string, unknown>), [head]: setAt((value as Record<string, unknown>)[head], rest, change) };
}

function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not a number';
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return { not: 'an array' };
  if (typeof value === 'object' && value !== null) return ['not', 'an', 'object'];
  return {};
}

const json = (value: unknown) => JSON.stringify(value);

/** A plausible body: from the schema, or for ingestion (whose schema says little) an event or a batch of them. */
function plausibleBody(op: Operation, ids: string[]): unknown {
  if (!op.ingest) return op.body ? sample(op.body, ids) : {};
  const event = {
    type: 'track',
    event: 'Fuzzed',
    userId: 'fuzz-user',
    messageId: `fuzz-${op.path}`,
    properties: { plan: { name: 'Sim 10', tags: ['a'] } },
    traits: { email: 'fuzz@example.com' },
    context: { library: { name: 'fuzz' } },
    timestamp: '2025-01-15T10:00:00Z',
  };
  if (op.path.includes('batch') || op.path.endsWith('/b') || op.path.endsWith('/import')) {
    return op.path.startsWith('/batch')
      ? { api_key: 'in the header', batch: [{ event: 'Fuzzed', distinct_id: 'fuzz-user' }] }
      : { batch: [event, event] };
  }
  return event;
}

function bodyCases(op: Operation, ids: string[]): Case[] {
  const valid = plausibleBody(op, ids);
  const object = typeof valid === 'object' && valid !== null && !Array.isArray(valid) ? (valid as Record<string, unknown>) : {};
  const keys = Object.keys(object);
  const cases: Case[] = [
    { name: 'plausible body', payload: json(valid) },
    { name: 'plausible query', query: 'PLAUSIBLE' },
    { name: 'empty object', payload: '{}' },
    { name: 'null body', payload: 'null' },
    { name: 'array body', payload: '[1,"a",null]' },
    { name: 'all fields of the wrong type', payload: json(Object.fromEntries(keys.map((k) => [k, wrongType(object[k])]))) },
    { name: 'NUL in every string and key', payload: json(mapStrings(valid, (s) => `${s}\u0000`, true)) },
    { name: 'lone surrogate in every string', payload: json(mapStrings(valid, (s) => `${s}${LONE}`)) },
    { name: 'lone surrogate in every key', payload: json(mapStrings(valid, (s) => `${LONE}${s}`, true)) },
    { name: 'huge strings', payload: json(mapStrings(valid, () => HUGE)) },
    { name: 'deeply nested body', payload: json(nested(3000)) },
    {
      name: 'prototype keys',
      payload: `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":1,"hasOwnProperty":"x"}`,
    },
    { name: 'prototype keys in a plausible body', payload: json({ ...object, toString: 1, valueOf: {}, hasOwnProperty: [] }) },
    { name: 'invalid JSON', payload: '{"a":' },
    { name: 'JSON as text/plain', payload: json(valid), contentType: 'text/plain' },
    { name: 'form body', payload: 'constructor=1&__proto__=2&toString=3&a=%00', contentType: 'application/x-www-form-urlencoded' },
    { name: 'binary body', payload: Buffer.from([0xff, 0x00, 0xfe, 0x7b]), contentType: 'application/octet-stream' },
    { name: 'CSV body', payload: 'name,email\nNul\u0000,a@example.com\n', contentType: 'text/csv' },
  ];
  stringPaths(valid).forEach((path, i) => {
    const bad = i % 2 === 0 ? '\u0000' : LONE;
    cases.push({
      name: `${path.join('/')} with ${i % 2 === 0 ? 'NUL' : 'a lone surrogate'}`,
      payload: json(setAt(valid, path, (s) => `a${bad}b${s}`)),
    });
  });
  for (const key of keys) {
    const value = object[key];
    cases.push({ name: `/${key} of the wrong type`, payload: json({ ...object, [key]: wrongType(value) }) });
    if (typeof value === 'object' && value !== null)
      cases.push({ name: `/${key} nested 3,000 deep`, payload: json({ ...object, [key]: nested(3000) }) });
    if (Array.isArray(value)) cases.push({ name: `/${key} huge array`, payload: json({ ...object, [key]: Array(20_000).fill(value[0]) }) });
  }
  return cases;
}

const BAD_SEGMENTS = [
  '%00',
  '%ED%A0%80',
  '%ZZ',
  'x'.repeat(3000),
  '__proto__',
  'constructor',
  'cus_',
  'cus_zzzzzzzzzzzzzzzzzzzz',
  '..%2F..',
  '%20',
];
const BAD_QUERY_VALUES = ['%00', '%ED%A0%80', '%ZZ', 'x'.repeat(5000), '-1', '1e309', 'abc', ''];

function cursorValues(): string[] {
  const b64 = (text: string) => encodeURIComponent(Buffer.from(text).toString('base64url'));
  return [
    b64('{"t":"x","id":1}'),
    b64('nul\u0000'),
    b64('[]'),
    b64('{"t":"2025-01-01T00:00:00Z","id":"' + LONE + '"}'),
    b64('9'.repeat(400)),
  ];
}

/** Every query parameter with a plausible value, so that a case breaks one parameter and not the whole query. */
function plausibleQuery(operation: Operation, ids: string[], except?: string): string {
  return operation.parameters
    .filter((p) => p.in === 'query' && p.name !== except)
    .map((p) => {
      const value = sample(p.schema ?? {}, ids, 0, p.name);
      const text = /^(from|to)$/.test(p.name) ? (p.name === 'from' ? '2025-01-01' : '2025-12-31') : String(value);
      return `${p.name}=${encodeURIComponent(text)}`;
    })
    .join('&');
}

function parameterCases(operation: Operation, ids: string[]): Case[] {
  const cases: Case[] = [];
  for (const param of operation.parameters) {
    if (param.in === 'path') {
      for (const bad of BAD_SEGMENTS) cases.push({ name: `path ${param.name}=${bad.slice(0, 20)}`, params: { [param.name]: bad } });
      for (const id of ids.slice(0, 2)) cases.push({ name: `path ${param.name}=${id}`, params: { [param.name]: id } });
    } else if (param.in === 'query') {
      const values = [...BAD_QUERY_VALUES, ...(/before|after|cursor/.test(param.name) ? cursorValues() : [])];
      const rest = plausibleQuery(operation, ids, param.name);
      const and = rest ? `&${rest}` : '';
      for (const bad of values) cases.push({ name: `query ${param.name}=${bad.slice(0, 20)}`, query: `${param.name}=${bad}${and}` });
      cases.push({ name: `query ${param.name} twice`, query: `${param.name}=a&${param.name}=b` });
      cases.push({ name: `query ${param.name}[] prototype`, query: `${param.name}[__proto__]=1&__proto__=1&constructor=1` });
    }
  }
  return cases;
}

/** A few random cases per operation from a fixed seed: any text in any parameter, any JSON in any field. */
function randomCases(operation: Operation, ids: string[], seed: number): Case[] {
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...ids, ''), fc.string({ unit: 'grapheme' }));
  const valid = plausibleBody(operation, ids);
  const keys = typeof valid === 'object' && valid !== null && !Array.isArray(valid) ? Object.keys(valid) : [];
  const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.constant(null));
  const arbitrary = fc.record({
    params: fc.record(Object.fromEntries(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, text]))),
    query: fc.array(fc.tuple(fc.constantFrom(...operation.parameters.map((p) => p.name), 'x'), text), { maxLength: 4 }),
    fields: fc.dictionary(keys.length > 0 ? fc.constantFrom(...keys) : fc.string(), value, { maxKeys: 4 }),
  });
  return fc.sample(arbitrary, { seed, numRuns: RANDOM_CASES }).map((drawn, i) => ({
    name: `random #${i}`,
    params: Object.fromEntries(Object.entries(drawn.params).map(([k, v]) => [k, encode(v) || 'x'])),
    query: drawn.query.map(([k, v]) => `${k}=${encode(v)}`).join('&'),
    payload: json({ ...(valid as object), ...drawn.fields }),
  }));
}

function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        body: content?.['application/json']?.schema,
        public: Array.isArray(op.security) && op.security.length === 0,
        ingest: !path.startsWith('/api/v1') && !path.startsWith('/u/') && path !== '/healthz' && path !== '/readyz',
      });
    }
  }
  // The public pages are not in the API document.
  const token: Parameter = { in: 'path', name: 'token', schema: { type: 'string' } };
  const page: Parameter = { in: 'query', name: 'page', schema: { type: 'integer' } };
  const done: Parameter = { in: 'query', name: 'done', schema: { type: 'string' } };
  operations.push(
    { method: 'GET', path: '/s/{token}', parameters: [token, page, done], public: true, ingest: false },
    { method: 'POST', path: '/s/{token}', parameters: [token, page], public: true, ingest: false },
    { method: 'GET', path: '/u/{token}', parameters: [token, done], public: true, ingest: false },
  );
  return operations;
}

/** Every id in a JSON answer (`cus_…`, `int_…`), to fill path parameters with real ones. */
function collectIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (/^[a-z]{2,6}_[0-9a-z]{6,}$/.test(value)) into.add(value);
  } else if (Array.isArray(value)) value.forEach((v) => collectIds(v, into));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => collectIds(v, into));
}

describe('fuzzing every operation', () => {
  let seeded: SeedResult;
  let operations: Operation[];
  const ids = new Set<string>();
  let surveyToken = 'not-a-token';
  let cookie = '';
  let writeKey = '';

  async function freshAdmin(): Promise<void> {
    const session = await signIn(ctx.database.db, { ...seeded.admin, workspace: seeded.workspace.id, ttlHours: 1 });
    cookie = `rapport_session=${session.token}`;
  }

  beforeAll(async () => {
    seeded = await seedDemo(ctx.database, { size: 3, randomSeed: 3, workspaceSlug: 'fuzz' });
    await freshAdmin();
    const db = ctx.database.db;
    writeKey = (await createApiKey(db, systemActor(seeded.workspace.id, 'test'), { kind: 'write', name: 'fuzz' })).key;
    const document = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    // What erases, merges or deletes runs last, so that the seeded records serve the other operations first.
    const destructive = (op: Operation) => op.method === 'DELETE' || /\/(erase|merge|sign-out)$/.test(op.path);
    operations = operationsOf(document).sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
    for (const op of operations) {
      if (op.method !== 'GET' || op.path.includes('{')) continue;
      const response = await ctx.app.inject({ method: 'GET', url: op.path, headers: { cookie } });
      if (response.statusCode === 200) collectIds(response.json(), ids);
    }
    const survey = [...ids].find((id) => id.startsWith('srv_'));
    const customer = [...ids].find((id) => id.startsWith('cus_'));
    if (survey && customer) {
      // Staff never see a link; the secret key reveals one (audited), as an admin would for a customer who lost it.
      const secret = { authorization: `Bearer ${seeded.secretKey}` };
      const invitation = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/surveys/${survey}/invitations`,
        headers: secret,
        payload: { customerId: customer },
      });
      const revealed = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/survey-invitations/${invitation.json().id}/link`,
        headers: secret,
      });
      if (revealed.statusCode === 200) surveyToken = new URL(revealed.json().link).pathname.split('/')[2] ?? surveyToken;
    }
    expect(surveyToken).not.toBe('not-a-token');
  }, 120_000);

  function requestOf(op: Operation, c: Case, idList: string[]): InjectOptions {
    const segments = op.path.split('/');
    const url = segments
      .map((segment, i) => {
        const name = /^\{(\w+)\}$/.exec(segment)?.[1];
        return name ? valueOf(segments[i - 1] ?? '', name) : segment;
      })
      .join('/');
    function valueOf(collection: string, name: string): string {
      const given = c.params?.[name];
      if (given !== undefined) return given;
      const prefix = name === 'id' ? PATH_PREFIXES[collection] : ID_PREFIXES[name.replace(/Id$/, '')];
      const own = prefix ? idList.find((id) => id.startsWith(`${prefix}_`)) : undefined;
      if (own) return own;
      if (name === 'token') return op.path.startsWith('/s/') ? surveyToken : 'not-a-token-0000';
      if (name === 'type') return op.path.includes('imports') ? 'customers' : 'track';
      if (name === 'action') return 'resolve';
      if (name === 'kind') return 'email';
      if (name === 'value') return 'fuzz%40example.com';
      return idList[0] ?? 'cus_0';
    }
    const withBody = op.method !== 'GET' && op.method !== 'DELETE';
    const query = c.query === 'PLAUSIBLE' ? plausibleQuery(op, idList) : c.query;
    return {
      method: op.method as InjectOptions['method'],
      url: query ? `${url}?${query}` : url,
      ...(withBody && c.payload !== undefined
        ? {
            payload: c.payload,
            headers: {
              'content-type': c.contentType ?? (op.path.startsWith('/s/') ? 'application/x-www-form-urlencoded' : 'application/json'),
            },
          }
        : {}),
    };
  }

  function casesOf(op: Operation, index: number): Case[] {
    const idList = [...ids];
    const cases = [...bodyCases(op, idList), ...parameterCases(op, idList), ...randomCases(op, idList, SEED + index)];
    if (op.path.startsWith('/s/')) {
      cases.push(
        ...['constructor=1', 'toString=1', '__proto__=1', 'q_why=a%00b', 'q_nps=11&q_nps=%ED%A0%80', `q_why=${'x'.repeat(70_000)}`].map(
          (payload) => ({
            name: `form ${payload.slice(0, 20)}`,
            payload,
            contentType: 'application/x-www-form-urlencoded',
          }),
        ),
      );
    }
    if (op.body === undefined && op.method !== 'GET' && op.method !== 'DELETE') {
      // Operations without a JSON body still get the malformed ones: they must ignore or refuse them.
      return cases;
    }
    return op.method === 'GET' || op.method === 'DELETE' ? cases.filter((c) => c.payload === undefined) : cases;
  }

  it('answers every malformed request with less than 500, as an admin and unauthenticated', async () => {
    const failures: string[] = [];
    let reached = 0;
    let authenticated = 0;
    const note = (op: Operation, c: Case, who: string, response: LightMyRequestResponse) => {
      if (response.statusCode >= 500)
        failures.push(`${who} ${op.method} ${op.path} [${c.name}] → ${response.statusCode} ${response.body.slice(0, 200)}`);
    };
    for (const [index, op] of operations.entries()) {
      const idList = [...ids];
      // The fuzz may revoke keys (DELETE /api-keys/{id}): each ingestion operation gets a fresh write key.
      if (op.ingest) {
        writeKey = (await createApiKey(ctx.database.db, systemActor(seeded.workspace.id, 'test'), { kind: 'write', name: 'fuzz' })).key;
      }
      for (const c of casesOf(op, index)) {
        const request = requestOf(op, c, idList);
        // Public pages are the customer's (a staff session is turned away there): fuzzed without one.
        const credentials = op.ingest
          ? { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` }
          : op.path.startsWith('/s/') || op.path.startsWith('/u/')
            ? {}
            : { cookie };
        const response = await ctx.app.inject({ ...request, headers: { ...request.headers, ...credentials } });
        note(op, c, 'admin', response);
        authenticated++;
        if (response.statusCode !== 401 && response.statusCode !== 403 && response.statusCode !== 429) reached++;
      }
      // Unauthenticated: every case that can matter before the sign-in is checked.
      const forged = [
        {},
        { cookie: 'rapport_session=%00%ED%A0%80' },
        { authorization: 'Bearer rk_secret_%00' },
        { authorization: 'Basic !!!' },
      ];
      for (const [i, c] of casesOf(op, index).slice(0, 6).entries()) {
        const request = requestOf(op, c, idList);
        // Garbage credentials count as none.
        const response = await ctx.app.inject({ ...request, headers: { ...request.headers, ...forged[i % forged.length] } });
        note(op, c, 'anonymous', response);
        // A URL the router cannot decode or match (a bad escape, an overlong id) is refused before any route, so before any sign-in.
        const routed = !c.name.startsWith('path ') || !/%ZZ|%ED|xxxx/.test(c.name);
        if (routed && !op.public && op.path.startsWith('/api/v1/') && !op.path.startsWith('/api/v1/auth/') && response.statusCode !== 401) {
          failures.push(`anonymous ${op.method} ${op.path} [${c.name}] → ${response.statusCode}, not 401`);
        }
      }
      // The fuzz may sign the admin out or change their role: sign in again for the next operation.
      const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
      if (me.statusCode !== 200 || me.json().role !== 'admin') {
        await ctx.database.db
          .updateTable('memberships')
          .set({ role: 'admin' })
          .where('workspace_id', '=', seeded.workspace.id)
          .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('email', '=', seeded.admin.email))
          .execute();
        await freshAdmin();
      }
    }
    expect(failures).toEqual([]);
    // Most authenticated requests must get past the sign-in to mean anything.
    expect(reached / authenticated).toBeGreaterThan(0.8);
  }, 180_000);

  it('answers odd paths outside the API (the browser app, its assets, unknown routes) below 500', async () => {
    const paths = [
      '/%00',
      '/%ED%A0%80',
      '/%ZZ',
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%00.js',
      `/${'x'.repeat(5000)}`,
      '/api/v1/%00',
      '/s/',
      '/u/',
    ];
    for (const url of paths) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await ctx.app.inject({ method, url, headers: { cookie } });
        expect(response.statusCode, `${method} ${url.slice(0, 40)}`).toBeLessThan(500);
        expect(response.body).not.toContain('"name": "rapport"');
      }
    }
  });
});
