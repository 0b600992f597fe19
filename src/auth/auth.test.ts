import { describe, expect, it } from 'vitest';
import { useTestApp, createTenant, TEST_PASSWORD } from '../test/app.js';

const ctx = useTestApp();

describe('sign-in and sessions', () => {
  it('signs in with a password, sets an httpOnly SameSite cookie, and signs out', async () => {
    const tenant = await createTenant(ctx.app);
    const { email } = await tenant.signInAs('agent');
    const signIn = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: TEST_PASSWORD } });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.json()).toMatchObject({ role: 'agent', workspace: { id: tenant.workspace.id } });
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = `rapport_session=${signIn.cookies[0]?.value}`;

    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(email);

    const out = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie, 'x-requested-with': 'rapport' } });
    expect(out.statusCode).toBe(204);
    const after = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('rejects a wrong password and an unknown email with the same answer', async () => {
    const tenant = await createTenant(ctx.app);
    const { email } = await tenant.signInAs('analyst');
    const wrong = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: 'not the password' } });
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nobody@example.com', password: 'whatever12' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('slows down password guessing with 429 and Retry-After, per account', async () => {
    const tenant = await createTenant(ctx.app);
    const { email } = await tenant.signInAs('agent');
    const attempt = (who: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: who, password: 'guess guess' } });
    for (let i = 0; i < 9; i++) expect((await attempt(email)).statusCode).toBe(401);
    const limited = await attempt(email.toUpperCase());
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.code).toBe('rate_limited');
    const other = await tenant.signInAs('analyst');
    expect(other.cookie).toMatch(/^rapport_session=/);
  });

  it('names each bad field of a sign-in body', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 5, extra: true } });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['/email', '/password', '/extra']));
  });
});

describe('API keys', () => {
  it('shows a key once, stores only its hash, and stops accepting it when revoked', async () => {
    const tenant = await createTenant(ctx.app);
    const created = await tenant.api({ method: 'POST', url: '/api/v1/api-keys', payload: { kind: 'secret', name: 'integration' } });
    expect(created.statusCode).toBe(201);
    const { key, apiKey } = created.json();
    expect(key).toMatch(/^rk_secret_/);
    const stored = await ctx.database.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain(key);

    const listed = await tenant.api({ method: 'GET', url: '/api/v1/api-keys' });
    expect(listed.body).not.toContain(key);

    expect(listed.json().data.find((k: { id: string }) => k.id === apiKey.id).lastUsedAt).toBeNull();
    const ok = await ctx.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { authorization: `Bearer ${key}` } });
    expect(ok.statusCode).toBe(200);
    const used = (await tenant.api({ method: 'GET', url: '/api/v1/api-keys' })).json().data.find((k: { id: string }) => k.id === apiKey.id);
    expect(Date.now() - Date.parse(used.lastUsedAt)).toBeLessThan(60_000);
    await tenant.api({ method: 'DELETE', url: `/api/v1/api-keys/${apiKey.id}` });
    const revoked = await ctx.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: { authorization: `Bearer ${key}` } });
    expect(revoked.statusCode).toBe(401);
  });

  it('lets a write key send events only, not read the API', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/workspace',
      headers: { authorization: `Bearer ${tenant.writeKey}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/write key/i);
  });

  it('answers 401 without credentials', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/v1/workspace' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthenticated');
  });
});

describe('roles and the audit log', () => {
  it('only lets an admin manage access, and records who did it', async () => {
    const tenant = await createTenant(ctx.app);
    const agent = await tenant.signInAs('agent');
    const denied = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: { cookie: agent.cookie },
      payload: { email: 'new@example.com', name: 'New', role: 'agent', password: 'long enough pw' },
    });
    expect(denied.statusCode).toBe(403);

    const admin = await tenant.signInAs('admin');
    const added = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: { cookie: admin.cookie },
      payload: { email: `New-${tenant.workspace.slug}@Example.com`, name: 'New Person', role: 'lead', password: 'long enough pw' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().email).toBe(`new-${tenant.workspace.slug}@example.com`);

    const audit = await ctx.app.inject({ method: 'GET', url: '/api/v1/audit-log?entityType=user', headers: { cookie: admin.cookie } });
    const entry = audit
      .json()
      .data.find((e: { action: string; changes: { role?: string } }) => e.action === 'member.added' && e.changes.role === 'lead');
    expect(entry).toMatchObject({ actorKind: 'user' });
    const adminMe = await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: admin.cookie } });
    expect(entry.actorId).toBe(adminMe.json().user.id);
  });
});

describe('tenant boundaries for people', () => {
  it('does not let a workspace admin pull in an account from another workspace', async () => {
    const mine = await createTenant(ctx.app);
    const theirs = await createTenant(ctx.app);
    const stranger = await theirs.signInAs('agent');
    const response = await mine.api({
      method: 'POST',
      url: '/api/v1/members',
      payload: { email: stranger.email, name: 'Whoever', role: 'admin', password: 'any long password' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.body).not.toContain('agent person');
    const members = (await mine.api({ url: '/api/v1/members' })).json().data;
    expect(members.map((m: { email: string }) => m.email)).not.toContain(stranger.email);
  });

  it('answers the same for an account elsewhere as for a member here, and never says an account exists', async () => {
    const mine = await createTenant(ctx.app);
    const theirs = await createTenant(ctx.app);
    const stranger = await theirs.signInAs('agent');
    const colleague = await mine.signInAs('agent');
    const add = (email: string, password?: string) =>
      mine.api({
        method: 'POST',
        url: '/api/v1/members',
        payload: { email, name: 'Whoever', role: 'agent', ...(password ? { password } : {}) },
      });
    const elsewhere = await add(stranger.email, 'any long password');
    const here = await add(colleague.email, 'any long password');
    expect([elsewhere.statusCode, here.statusCode]).toEqual([409, 409]);
    expect(elsewhere.json().error.message.replace(stranger.email, '<email>')).toBe(
      here.json().error.message.replace(colleague.email, '<email>'),
    );
    expect(elsewhere.json().error.message).not.toMatch(/already has|exists|another workspace/i);
    // Without a password the answer is the one a brand-new address gets, before any look-up.
    const probes = await Promise.all([add(stranger.email), add(`nobody-${mine.workspace.slug}@example.com`)]);
    expect(probes.map((p) => [p.statusCode, p.json().error.issues?.[0]?.path])).toEqual([
      [400, '/password'],
      [400, '/password'],
    ]);
  });

  it('keeps at least one admin', async () => {
    const tenant = await createTenant(ctx.app);
    const admin = await tenant.signInAs('admin');
    const me = (await ctx.app.inject({ url: '/api/v1/auth/me', headers: { cookie: admin.cookie } })).json();
    const demote = await tenant.api({ method: 'PATCH', url: `/api/v1/members/${me.user.id}`, payload: { role: 'agent' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toMatch(/last admin/);
    await tenant.signInAs('admin');
    expect((await tenant.api({ method: 'PATCH', url: `/api/v1/members/${me.user.id}`, payload: { role: 'agent' } })).statusCode).toBe(200);
  });
});

describe('audit log paging', () => {
  it('pages through entries written in one transaction without losing any', async () => {
    const tenant = await createTenant(ctx.app);
    const identities = ['a', 'b', 'c'].map((x) => ({ kind: 'email', value: `${x}@paging.example` }));
    await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: 'Pager', identities } });
    const all = (await tenant.api({ url: '/api/v1/audit-log?entityType=customer' })).json().data.map((e: { id: string }) => e.id);
    expect(all).toHaveLength(4);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = (
        await tenant.api({ url: `/api/v1/audit-log?entityType=customer&limit=1${cursor ? `&before=${cursor}` : ''}` })
      ).json();
      paged.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });
});

describe('health and docs', () => {
  it('serves /healthz, /readyz and the OpenAPI document', async () => {
    expect((await ctx.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await ctx.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
    const openapi = await ctx.app.inject({ url: '/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toContain('/api/v1/auth/sign-in');
    const docs = await ctx.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });
});
