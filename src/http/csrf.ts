import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** The header the browser app sends on every call; any value will do (see below why). */
export const CLIENT_HEADER = 'x-requested-with';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const REFUSED =
  "A signed-in change must come from Rapport's own pages: same origin, with a JSON body or the X-Requested-With header. Scripts and integrations use an API key";

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Whether the Origin header names this server: the host the request was sent to (the proxy's, with trustProxy), or the public URL. */
function isOwnOrigin(request: FastifyRequest, origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, redirects across origins) and anything else unparsable
  }
  if (url.origin === originOf(request.server.config.publicUrl)) return true;
  // The Host is read in the Origin's scheme: behind a proxy that ends TLS the server itself sees http, and
  // a default port (`:443`, `:80`) may or may not be written.
  try {
    return new URL(`${url.protocol}//${request.host}`).host === url.host;
  } catch {
    return false;
  }
}

/**
 * Refuses a change that a page of another origin could have made the browser send with the
 * session cookie (CSRF). Two independent checks, both required:
 *
 * - same origin: `Sec-Fetch-Site` (every current browser) must be `same-origin`, and `Origin`
 *   (sent on every cross-origin POST) must be this server. `same-site` is refused too: another
 *   port of the same host is the same site, and SameSite=Lax cookies go along from it.
 * - a body or header that a plain HTML form cannot produce: `application/json`, or the
 *   `X-Requested-With` header. A cross-origin script could only send those after a CORS
 *   preflight, which Rapport's API never grants.
 *
 * A request with neither `Sec-Fetch-Site` nor `Origin` comes from a program, not a browser (a
 * browser forging a request always names the page's origin), so only the second check applies.
 */
export function refuseCrossSiteChange(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin') {
    throw new AppError('forbidden', `${REFUSED} (Sec-Fetch-Site: ${String(fetchSite)})`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !isOwnOrigin(request, origin)) {
    throw new AppError('forbidden', `${REFUSED} (Origin: ${origin})`);
  }
  if (!isJson(request.headers['content-type']) && !request.headers[CLIENT_HEADER]) {
    throw new AppError('forbidden', `${REFUSED} (Content-Type: ${request.headers['content-type'] ?? 'none'})`);
  }
}
