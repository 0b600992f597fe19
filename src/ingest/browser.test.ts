import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../test/browser.js';
import { createTenant, useTestApp } from '../test/app.js';
import { profileByIdentity } from './ingest.test-helpers.js';

// analytics.js as sites load it: the published browser bundle of @segment/analytics-next.
const bundleDir = join(dirname(createRequire(import.meta.url).resolve('@segment/analytics-next/package.json')), 'dist', 'umd');

const ctx = useTestApp();
let apiHost = '';
let site: Server;
let siteUrl = '';
let browser: Browser;

/** The customer's own website: another origin than Rapport, so every call is cross-origin. */
function startSite(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/') {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>Shop</title><script src="/ajs/index.js"></script>');
      return;
    }
    const file = normalize(join(bundleDir, path.replace(/^\/ajs\//, '')));
    if (!path.startsWith('/ajs/') || !file.startsWith(bundleDir)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ctx.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  apiHost = `127.0.0.1:${address.port}/v1`;
  site = await startSite();
  const siteAddress = site.address();
  if (!siteAddress || typeof siteAddress === 'string') throw new Error('no address');
  siteUrl = `http://localhost:${siteAddress.port}/`;
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

interface Sent {
  url: string;
  method: string;
  contentType: string | undefined;
}

describe('analytics.js in Chromium', () => {
  it.each([
    ['one request per event', null],
    ['batching to /v1/b', { strategy: 'batching', config: { size: 3, timeout: 200 } }],
  ])(
    'sends identify, track and page cross-origin as text/plain (%s)',
    async (_label, deliveryStrategy) => {
      const tenant = await createTenant(ctx.app);
      const userId = `browser-${Math.random().toString(36).slice(2, 8)}`;
      const page = await browser.newPage();
      const sent: Sent[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/v1/'))
          sent.push({ url: request.url(), method: request.method(), contentType: request.headers()['content-type'] });
      });
      try {
        await page.goto(siteUrl);
        const failures = await page.evaluate(
          async ({ writeKey, apiHost, userId, deliveryStrategy }) => {
            const errors: string[] = [];
            const { AnalyticsBrowser } = (globalThis as unknown as { AnalyticsNext: { AnalyticsBrowser: AnalyticsBrowserLike } })
              .AnalyticsNext;
            const segmentSettings = { apiKey: writeKey, apiHost, protocol: 'http', ...(deliveryStrategy ? { deliveryStrategy } : {}) };
            const [analytics] = await AnalyticsBrowser.load({ writeKey, cdnSettings: { integrations: { 'Segment.io': segmentSettings } } });
            analytics.on('error', (error: unknown) => errors.push(JSON.stringify(error)));
            await Promise.all([
              analytics.identify(userId, { name: 'Dorothy Vaughan', email: `${userId}@example.com` }),
              analytics.track('Plan Viewed', { plan: 'Fibre 500' }),
              analytics.page('Pricing'),
            ]);
            return errors;

            interface AnalyticsLike {
              on(event: string, handler: (error: unknown) => void): void;
              identify(id: string, traits: object): Promise<unknown>;
              track(name: string, properties: object): Promise<unknown>;
              page(name: string): Promise<unknown>;
            }
            interface AnalyticsBrowserLike {
              load(settings: object): Promise<[AnalyticsLike, unknown]>;
            }
          },
          { writeKey: tenant.writeKey, apiHost, userId, deliveryStrategy },
        );
        expect(failures).toEqual([]);
        await expect.poll(() => sent.filter((s) => s.method === 'POST').length, { timeout: 10_000 }).toBeGreaterThan(0);

        const profile = await profileByIdentity(ctx.app, tenant, userId);
        expect(profile.customer.displayName).toBe('Dorothy Vaughan');
        const names = profile.recentEvents.map((e) => `${e.type}:${e.name}`).sort();
        expect(names).toEqual(['page:Pricing', 'track:Plan Viewed']);
        const viewed = profile.recentEvents.find((e) => e.name === 'Plan Viewed');
        expect(viewed?.properties).toEqual({ plan: 'Fibre 500' });

        const posts = sent.filter((s) => s.method === 'POST');
        expect(posts.every((s) => s.contentType === 'text/plain')).toBe(true);
        const paths = posts.map((s) => new URL(s.url).pathname).sort();
        expect(paths).toEqual(deliveryStrategy ? ['/v1/b'] : ['/v1/i', '/v1/p', '/v1/t']);
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
