import { isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';

// Logs are kept where erasure cannot reach them, so they carry no personal data at any level:
// no query values (a search is `?q=archie@example.net`), no path values other than Rapport's
// own ids (identities, survey and unsubscribe tokens travel in paths), no headers, no bodies,
// no full client address, and none of the values a database error quotes.

const PUBLIC_ID = /^[a-z]{2,4}_[0-9a-z]{26}$/;
/** A path segment that names a page or an action rather than a person (`customers`, `s2s`, `batch`). */
const WORD = /^[a-z][a-z0-9-]{0,39}$/;
const QUERY_KEY = /^[A-Za-z][A-Za-z0-9_.[\]-]{0,39}$/;
const HIDDEN = '…';

const safeSegment = (segment: string): string => (PUBLIC_ID.test(segment) || WORD.test(segment) ? segment : HIDDEN);

/**
 * The request's URL as it may be logged: the route's pattern with only Rapport's ids filled in
 * (`/api/v1/customers/cus_…/identities/:kind/:value`), and the query's keys without their values
 * (`/api/v1/customers?q=…`).
 */
export function loggableUrl(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  const path = at === -1 ? request.url : request.url.slice(0, at);
  const query = at === -1 ? '' : request.url.slice(at + 1);
  const pattern = request.routeOptions.url;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const shown = pattern
    ? pattern.replace(/:(\w+)|\*/g, (match: string, name: string | undefined) => {
        const value = params[name ?? '*'];
        if (typeof value !== 'string') return match;
        if (name) return PUBLIC_ID.test(value) ? value : match;
        return value.split('/').map(safeSegment).join('/');
      })
    : path
        .split('/')
        .map((segment) => (segment ? safeSegment(segment) : segment))
        .join('/');
  if (!query) return shown;
  const keys = new Set(query.split('&').map((pair) => decodeKey(pair.split('=')[0] ?? '')));
  return `${shown}?${[...keys].map((key) => `${QUERY_KEY.test(key) ? key : HIDDEN}=${HIDDEN}`).join('&')}`;
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return HIDDEN;
  }
}

/** The network of the client, not the person: IPv4 to its /24, IPv6 to its /48 (as analytics tools anonymise). */
export function loggableAddress(address: string): string {
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return loggableAddress(mapped[1]);
  if (address.includes(':')) {
    const groups = address.split('::')[0]?.split(':') ?? [];
    return `${groups.slice(0, 3).join(':')}::/48`;
  }
  return HIDDEN;
}

/** Serializers for buildApp's logger: what a request line says about the request. */
export const logSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: loggableUrl(request), remoteAddress: loggableAddress(request.ip) };
  },
};

/**
 * Fields censored wherever they appear in a log line: credentials, and what a database error
 * carries about the row it refused (PostgreSQL's `detail` quotes the values; PGlite attaches the
 * query's parameters).
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'err.detail',
  'err.where',
  'err.params',
  'err.parameters',
  'err.queryOptions',
  'err.cause.detail',
  'err.cause.params',
];
