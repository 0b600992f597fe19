import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTenant, TEST_PASSWORD, useTestApp, type TestTenant } from '../test/app.js';
import { openPage, signIn, useBrowserOnTestApp } from './e2e.test-helpers.js';

const ctx = useTestApp();
const web = useBrowserOnTestApp(ctx);

/**
 * Another site's page: a form that posts to Rapport as soon as it loads. The attacker serves it
 * on another port of the same machine, so it is reached both as the same site as Rapport
 * (127.0.0.1, another port: the Lax session cookie goes along) and as another site (localhost).
 */
let attacker: Server;
let attackerPort = 0;
let target = '';

beforeAll(async () => {
  attacker = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker');
    const action = `${web.baseUrl}${url.searchParams.get('path') ?? '/'}`;
    const enctype = url.searchParams.get('enctype') ?? 'text/plain';
    response.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/frame') {
      response.end(`<!doctype html><title>Framed</title><iframe name="app" src="${web.baseUrl}/sign-in"></iframe>`);
      return;
    }
    response.end(`<!doctype html><title>Win a prize</title>
<form method="post" action="${action}" enctype="${enctype}"><input type="hidden" name="{&quot;a&quot;:&quot;" value="&quot;}"></form>
<script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  target = web.baseUrl;
});

afterAll(async () => {
  await new Promise<void>((resolve) => attacker.close(() => resolve()));
});

async function givingRuns(tenant: TestTenant): Promise<number> {
  const response = await tenant.api({ method: 'GET', url: '/api/v1/giving/runs' });
  expect(response.statusCode).toBe(200);
  return (response.json() as { data: unknown[] }).data.length;
}

/** Signs a new admin of the tenant in through the app's own sign-in page, so the browser holds the cookie exactly as Rapport set it. */
async function signInAdmin(tenant: TestTenant, page: Page): Promise<void> {
  const admin = await tenant.signInAs('admin');
  await page.goto(`${target}/sign-in`);
  await signIn(page, admin.email, TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Opens the attacker's page in the signed-in browser and answers what Rapport said to the forged post. */
async function forge(page: Page, host: '127.0.0.1' | 'localhost', path: string, enctype = 'text/plain'): Promise<number> {
  const answered = page.waitForResponse((response) => response.url().startsWith(`${target}${path}`));
  await page.goto(`http://${host}:${attackerPort}/?path=${encodeURIComponent(path)}&enctype=${encodeURIComponent(enctype)}`);
  return (await answered).status();
}

/** A browser in which an admin of the tenant is signed in, for the length of `use`. */
async function asSignedInAdmin(tenant: TestTenant, use: (page: Page) => Promise<void>): Promise<void> {
  const { page, context } = await openPage(web.browser);
  try {
    await signInAdmin(tenant, page);
    await use(page);
  } finally {
    await context.close();
  }
}

describe('cross-site request forgery in a real browser', () => {
  it('refuses a giving run or loyalty earn run posted by a form on another port of the same host (same site: the cookie goes along)', async () => {
    const tenant = await createTenant(ctx.app, 'Same-site target');
    await asSignedInAdmin(tenant, async (page) => {
      expect(await forge(page, '127.0.0.1', '/api/v1/giving/runs')).toBe(403);
      expect(await forge(page, '127.0.0.1', '/api/v1/giving/runs', 'application/x-www-form-urlencoded')).toBe(403);
      expect(await forge(page, '127.0.0.1', '/api/v1/loyalty/earn-runs')).toBe(403);
    });
    expect(await givingRuns(tenant)).toBe(0);
  });

  it('refuses a giving run or loyalty earn run posted by a form on another site', async () => {
    const tenant = await createTenant(ctx.app, 'Cross-site target');
    await asSignedInAdmin(tenant, async (page) => {
      expect([401, 403]).toContain(await forge(page, 'localhost', '/api/v1/giving/runs'));
      expect([401, 403]).toContain(await forge(page, 'localhost', '/api/v1/loyalty/earn-runs'));
    });
    expect(await givingRuns(tenant)).toBe(0);
  });

  it('refuses a sign-in posted from another site (login CSRF) and a sign-out posted from the same site', async () => {
    const tenant = await createTenant(ctx.app, 'Login CSRF target');
    await asSignedInAdmin(tenant, async (page) => {
      expect(await forge(page, 'localhost', '/api/v1/auth/sign-in')).toBe(403);
      expect(await forge(page, '127.0.0.1', '/api/v1/auth/sign-out')).toBe(403);
      // Still signed in.
      await page.goto(`${target}/giving`);
      await page.getByRole('button', { name: 'Run the giving engine now' }).waitFor();
    });
  });

  it('still lets the browser app itself start a giving run and sign out', async () => {
    const tenant = await createTenant(ctx.app, 'Own flows');
    const { page, context, errors } = await openPage(web.browser);
    try {
      await signInAdmin(tenant, page);
      await page.goto(`${target}/giving`);
      await page.getByRole('button', { name: 'Run the giving engine now' }).click();
      await page.getByRole('status').filter({ hasText: 'new gifts across' }).waitFor();
      expect(await givingRuns(tenant)).toBe(1);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${target}/sign-in`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the content security policy in a real browser', () => {
  it('lets swagger-ui at /docs render the operations and sign out from "Try it out", with no policy violation in the console', async () => {
    const tenant = await createTenant(ctx.app, 'Docs');
    const { page, context, errors } = await openPage(web.browser);
    try {
      await signInAdmin(tenant, page);
      await page.goto(`${target}/docs/`);
      await page.locator('.opblock-summary-path', { hasText: '/api/v1/auth/sign-in' }).first().waitFor();
      expect(await page.locator('.opblock-summary-path').count()).toBeGreaterThan(3);
      // A body-less change with the session cookie: swagger-ui sends the header the CSRF check asks for.
      const operation = page.locator('#operations-auth-post_api_v1_auth_sign_out');
      await operation.locator('.opblock-summary-control').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const answered = page.waitForResponse((response) => response.url() === `${target}/api/v1/auth/sign-out`);
      await operation.getByRole('button', { name: 'Execute' }).click();
      expect((await answered).status()).toBe(204);
      const session = await page.evaluate(async () => (await (await fetch('/api/v1/auth/session')).json()) as { session: unknown });
      expect(session.session).toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps the app out of another site’s frame', async () => {
    const { page, context } = await openPage(web.browser);
    try {
      const blocked = page.waitForEvent('console', (message) => message.text().includes('frame-ancestors'));
      await page.goto(`http://localhost:${attackerPort}/frame`);
      await blocked;
      // Chromium reports the refusal (above) and leaves the frame without the app.
      expect(await page.frameLocator('iframe[name=app]').locator('#root').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
