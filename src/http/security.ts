import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { SURVEY_PAGE_STYLE } from '../feedback/page-render.js';
import { UNSUBSCRIBE_PAGE_STYLE } from '../messages/unsubscribe-routes.js';
import { NOT_BUILT_STYLE } from './web-app.js';

/** HSTS lifetime once Rapport is known to be served over HTTPS: a year, helmet's default. */
const HSTS_SECONDS = 365 * 24 * 60 * 60;

/**
 * The server-rendered pages (survey, unsubscribe, "not built") each carry one fixed inline
 * stylesheet, so that they work without a request more and without JavaScript. The policy allows
 * exactly those texts by hash; any other inline style or script is refused.
 */
export const INLINE_STYLE_HASHES = [SURVEY_PAGE_STYLE, UNSUBSCRIBE_PAGE_STYLE, NOT_BUILT_STYLE].map(
  (css) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`,
);

/**
 * Security headers on every response (helmet): a Content-Security-Policy with no inline script
 * and no framing, nosniff, no referrer, HSTS once the cookie is marked Secure (the operator says
 * Rapport is behind HTTPS); and `Cache-Control: no-store` on the API, whose answers carry personal
 * data that no browser or proxy cache should keep.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const https = app.config.cookieSecure;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", ...INLINE_STYLE_HASHES],
        // data: for the survey page's empty favicon and swagger-ui's icons.
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only over HTTPS: on plain http (a laptop, a test) it would send the page's own assets to an https port that is not there.
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Not includeSubDomains: other hosts of the company's domain may still be served over plain HTTP.
    hsts: https ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/v1/') || request.url === '/api/v1') reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * swagger-ui (/docs) sets inline styles from its script, so its pages allow inline styles; scripts
 * stay as strict as everywhere else (swagger-ui loads only its own files).
 */
export function allowDocsStyles(policy: string): string {
  // The hashes go: a browser ignores 'unsafe-inline' beside any hash.
  return policy.replace(/(^|;)\s*style-src\s[^;]*/, (_directive, start: string) => `${start}style-src 'self' 'unsafe-inline'`);
}

/**
 * swagger-ui's settings: its "Try it out" calls send the header that a signed-in change needs
 * (src/http/csrf.ts), so that body-less calls (sign-out, a giving run) work from /docs too; and no
 * validator badge, which would send the address of the API description to swagger.io.
 */
export const docsUiConfig = {
  validatorUrl: null,
  // swagger-ui receives this function as source text inside its own script, so it refers to nothing outside itself.
  requestInterceptor: (request: { headers?: Record<string, string> }) => {
    request.headers = { ...request.headers, 'X-Requested-With': 'rapport' };
    return request;
  },
};
