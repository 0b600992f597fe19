import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createTenant, useTestApp } from '../test/app.js';
import { DEFAULT_WEB_DIR } from './web-app.js';

const ctx = useTestApp();

describe('the browser app, served by the API server', () => {
  it('answers the root and any deep link of the app with index.html, never cached', async () => {
    const index = readFileSync(join(DEFAULT_WEB_DIR, 'index.html'), 'utf8');
    for (const url of ['/', '/customers', '/customers/cus_123?tab=timeline', '/sign-in']) {
      const response = await ctx.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(index);
    }
  });

  it('serves the hashed bundles with a long cache, and a missing file as 404', async () => {
    const script = readdirSync(join(DEFAULT_WEB_DIR, 'assets')).find((name) => name.endsWith('.js'));
    const bundle = await ctx.app.inject({ url: `/assets/${script}` });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.headers['cache-control']).toContain('immutable');
    expect((await ctx.app.inject({ url: '/assets/missing-abc123.js' })).statusCode).toBe(404);
    const icon = await ctx.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((await ctx.app.inject({ url: '/missing.png' })).statusCode).toBe(404);
    expect((await ctx.app.inject({ url: '/customers/logo.png' })).statusCode).toBe(404);
  });

  it('leaves the API, docs and health routes to the server', async () => {
    const unknownApi = await ctx.app.inject({ url: '/api/v1/no-such-thing' });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toEqual({ error: { code: 'not_found', message: 'There is no route GET /api/v1/no-such-thing' } });
    expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ctx.app.inject({ url: '/docs/' })).body).toMatch(/swagger/i);
    expect((await ctx.app.inject({ url: '/openapi.json' })).json().openapi).toBe('3.1.0');
    // Only GET falls back to the app.
    expect((await ctx.app.inject({ method: 'POST', url: '/customers' })).statusCode).toBe(404);
  });

  it('serves a new build without a restart', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'rapport-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<script src="/assets/app-1.js"></script>');
    writeFileSync(join(webDir, 'assets/app-1.js'), 'first()');
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }, { databaseUrl: undefined }), { database: ctx.database, webDir });
    try {
      expect((await app.inject({ url: '/customers' })).body).toContain('app-1.js');
      writeFileSync(join(webDir, 'index.html'), '<script src="/assets/app-2.js"></script>');
      writeFileSync(join(webDir, 'assets/app-2.js'), 'second()');
      expect((await app.inject({ url: '/customers' })).body).toContain('app-2.js');
      expect((await app.inject({ url: '/assets/app-2.js' })).body).toBe('second()');
    } finally {
      await app.close();
    }
  });

  it('explains how to build the app when it has not been built', async () => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }, { databaseUrl: undefined }), {
      database: ctx.database,
      webDir: mkdtempSync(join(tmpdir(), 'rapport-no-web-')),
    });
    try {
      const root = await app.inject({ url: '/' });
      expect(root.statusCode).toBe(503);
      expect(root.body).toContain('npm run build');
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('GET /auth/session', () => {
  it('answers null for a visitor and the person, role and workspace for a session, without a 401', async () => {
    const anonymous = await ctx.app.inject({ url: '/api/v1/auth/session' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ session: null });
    const stale = await ctx.app.inject({ url: '/api/v1/auth/session', headers: { cookie: 'rapport_session=not-a-session' } });
    expect(stale.json()).toEqual({ session: null });

    const tenant = await createTenant(ctx.app, 'Session Co');
    const agent = await tenant.signInAs('agent');
    const session = await ctx.app.inject({ url: '/api/v1/auth/session', headers: { cookie: agent.cookie } });
    expect(session.json()).toEqual({
      session: {
        user: { id: expect.stringMatching(/^usr_/), name: 'agent person', email: agent.email },
        role: 'agent',
        workspace: { id: tenant.workspace.id, name: 'Session Co', slug: tenant.workspace.slug },
      },
    });
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-out',
      headers: { cookie: agent.cookie, 'x-requested-with': 'rapport' },
    });
    expect((await ctx.app.inject({ url: '/api/v1/auth/session', headers: { cookie: agent.cookie } })).json()).toEqual({ session: null });
  });
});
