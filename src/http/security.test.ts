import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createSurvey, invite, pathOf, postPage, surveyableCustomer } from '../feedback/feedback.test-helpers.js';
import { createTenant, TEST_PASSWORD, useTestApp, type TestTenant } from '../test/app.js';

const ctx = useTestApp();

/** Where inject's requests go: the Host header it sends. */
const SELF = 'http://localhost:80';

function csp(response: LightMyRequestResponse): Record<string, string[]> {
  const header = String(response.headers['content-security-policy'] ?? '');
  return Object.fromEntries(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

async function givingRuns(tenant: TestTenant): Promise<number> {
  return (await tenant.api({ method: 'GET', url: '/api/v1/giving/runs' })).json().data.length;
}

describe('security headers', () => {
  it('answers the app, the docs, the API and errors with a strict policy, nosniff, no referrer and no framing', async () => {
    const tenant = await createTenant(ctx.app);
    const responses = {
      app: await ctx.app.inject({ method: 'GET', url: '/' }),
      docs: await ctx.app.inject({ method: 'GET', url: '/docs/' }),
      api: await tenant.api({ method: 'GET', url: '/api/v1/customers?q=someone' }),
      unauthenticated: await ctx.app.inject({ method: 'GET', url: '/api/v1/customers' }),
      missing: await ctx.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }),
    };
    for (const [name, response] of Object.entries(responses)) {
      const policy = csp(response);
      expect(policy['default-src'], name).toEqual(["'self'"]);
      expect(policy['script-src'], name).toEqual(["'self'"]);
      expect(policy['script-src-attr'], name).toEqual(["'none'"]);
      // swagger-ui sets styles from its script: /docs alone allows inline styles (never scripts).
      if (name === 'docs') expect(policy['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      else expect(policy['style-src'], name).not.toContain("'unsafe-inline'");
      expect(policy['frame-ancestors'], name).toEqual(["'none'"]);
      expect(policy['object-src'], name).toEqual(["'none'"]);
      expect(policy['upgrade-insecure-requests'], name).toBeUndefined();
      expect(response.headers['x-frame-options'], name).toBe('DENY');
      expect(response.headers['x-content-type-options'], name).toBe('nosniff');
      expect(response.headers['referrer-policy'], name).toBe('no-referrer');
      // Plain HTTP (RAPPORT_COOKIE_SECURE off): HSTS would lock a browser out of a server that has no HTTPS.
      expect(response.headers['strict-transport-security'], name).toBeUndefined();
    }
    expect(responses.api.statusCode).toBe(200);
    for (const name of ['api', 'unauthenticated', 'missing'] as const)
      expect(responses[name].headers['cache-control'], name).toBe('no-store');
    expect(responses.docs.headers['cache-control']).not.toBe('no-store');
  });

  it('adds HSTS and upgrades requests when the cookie is marked Secure (served over HTTPS)', async () => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', RAPPORT_COOKIE_SECURE: 'true' }, { databaseUrl: undefined }), {
      database: ctx.database,
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/healthz' });
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(csp(response)['upgrade-insecure-requests']).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('allows the survey page its one inline stylesheet by hash, and the page has no style attribute or script', async () => {
    const tenant = await createTenant(ctx.app, 'Northwind Telecom');
    const survey = await createSurvey(tenant);
    const customer = await surveyableCustomer(ctx.app, tenant, 'Ada Byron');
    const invitation = await invite(tenant, survey.id, { customerId: customer });
    const pages = [
      await ctx.app.inject({ method: 'GET', url: pathOf(invitation.link) }),
      await ctx.app.inject({ method: 'GET', url: `${pathOf(invitation.link)}?page=2` }),
      await ctx.app.inject({ method: 'GET', url: '/s/not-a-link' }),
    ];
    for (const page of pages) {
      const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)?.[1];
      expect(style).toBeDefined();
      const hash = `'sha256-${createHash('sha256')
        .update(style ?? '')
        .digest('base64')}'`;
      expect(csp(page)['style-src']).toContain(hash);
      expect(page.body).not.toMatch(/\sstyle=/);
      expect(page.body).not.toContain('<script');
    }
  });
});

describe('cross-site request forgery', () => {
  it('refuses a signed-in change without JSON or X-Requested-With, or from another origin or site, and starts nothing', async () => {
    const tenant = await createTenant(ctx.app);
    const admin = await tenant.signInAs('admin');
    const forged = [
      // A form on any page: text/plain, no custom header.
      { 'content-type': 'text/plain', origin: SELF },
      { 'content-type': 'text/plain' },
      // JSON but from another origin: another port of the same host is the same site, not the same origin.
      { 'content-type': 'application/json', origin: 'http://localhost:8080' },
      { 'content-type': 'application/json', origin: 'null' },
      { 'x-requested-with': 'rapport', 'sec-fetch-site': 'same-site' },
      { 'x-requested-with': 'rapport', 'sec-fetch-site': 'cross-site', origin: SELF },
    ];
    for (const headers of forged) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/giving/runs',
        headers: { cookie: admin.cookie, ...headers },
        payload: headers['content-type'] === 'application/json' ? '{}' : headers['content-type'] ? 'a=b' : undefined,
      });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
      expect(response.json().error.message).toContain("Rapport's own pages");
    }
    expect(await givingRuns(tenant)).toBe(0);
  });

  it("accepts the browser app's own calls: same origin with JSON, or with X-Requested-With and no body", async () => {
    const tenant = await createTenant(ctx.app);
    const admin = await tenant.signInAs('admin');
    const withBody = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/giving/runs',
      headers: { cookie: admin.cookie, origin: SELF, 'sec-fetch-site': 'same-origin' },
      payload: {},
    });
    expect(withBody.statusCode, withBody.body).toBe(200);
    const noBody = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/loyalty/earn-runs',
      headers: { cookie: admin.cookie, origin: SELF, 'sec-fetch-site': 'same-origin', 'x-requested-with': 'rapport' },
    });
    expect(noBody.statusCode, noBody.body).toBe(200);
    // Behind a proxy the Origin is the public URL, whatever Host the server sees.
    const app = await buildApp(
      loadConfig({ LOG_LEVEL: 'silent', RAPPORT_PUBLIC_URL: 'https://cx.example.com' }, { databaseUrl: undefined }),
      {
        database: ctx.database,
      },
    );
    try {
      const proxied = await app.inject({
        method: 'POST',
        url: '/api/v1/giving/runs',
        headers: { cookie: admin.cookie, origin: 'https://cx.example.com', host: 'rapport-1.internal:3000' },
        payload: {},
      });
      expect(proxied.statusCode, proxied.body).toBe(200);
    } finally {
      await app.close();
    }
    expect(await givingRuns(tenant)).toBe(2);
    // Reading is never refused: a GET changes nothing.
    const read = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/giving/runs',
      headers: { cookie: admin.cookie, 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' },
    });
    expect(read.statusCode).toBe(200);
  });

  it('leaves API-key requests alone, whatever their origin or body type', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/giving/runs',
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      payload: 'x',
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('refuses a sign-in or sign-out that another page could have sent (login CSRF)', async () => {
    const tenant = await createTenant(ctx.app);
    const admin = await tenant.signInAs('admin');
    const credentials = JSON.stringify({ email: admin.email, password: TEST_PASSWORD });
    const forgedSignIns = [
      { headers: { 'content-type': 'text/plain' }, payload: credentials },
      { headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:8080' }, payload: credentials },
      { headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-site' }, payload: credentials },
    ];
    for (const { headers, payload } of forgedSignIns) {
      const response = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', headers, payload });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.cookies).toEqual([]);
    }
    const signOut = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-out',
      headers: { cookie: admin.cookie, origin: 'http://127.0.0.1:8080', 'x-requested-with': 'rapport' },
    });
    expect(signOut.statusCode).toBe(403);
    const session = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: admin.cookie } });
    expect(session.json().session).not.toBeNull();
    const own = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'content-type': 'application/json', origin: SELF, 'sec-fetch-site': 'same-origin' },
      payload: credentials,
    });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('keeps the public survey form and one-click unsubscribe working from anywhere: they are not signed in', async () => {
    const tenant = await createTenant(ctx.app);
    const admin = await tenant.signInAs('admin');
    const crossSite = { origin: 'https://mail.example', 'sec-fetch-site': 'cross-site' };
    const survey = await createSurvey(tenant);
    const customer = await surveyableCustomer(ctx.app, tenant, 'Grace Hopper');
    const invitation = await invite(tenant, survey.id, { customerId: customer });
    const answered = await ctx.app.inject({
      method: 'POST',
      url: `${pathOf(invitation.link)}?page=1`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...crossSite },
      payload: 'page=1&q_nps=9',
    });
    expect(answered.statusCode, answered.body).toBe(303);
    const plain = await postPage(ctx.app, `${pathOf(invitation.link)}?page=1`, [['page', '1']]);
    expect(plain.statusCode).not.toBe(403);
    // A bogus token: the unsubscribe route itself answers (404), not the CSRF check, even with a staff cookie.
    const unsubscribe = await ctx.app.inject({
      method: 'POST',
      url: `/u/${tenant.workspace.id}.${'A'.repeat(32)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin.cookie, ...crossSite },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.statusCode).toBe(404);
    expect(unsubscribe.json().error.code).toBe('not_found');
  });
});
