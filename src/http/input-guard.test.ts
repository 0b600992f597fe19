import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { fromDatabaseError } from '../errors.js';
import { createTenant, useTestApp } from '../test/app.js';
import { countWorkspaceRows } from '../test/database.js';
import { createSurvey, invite, pathOf, surveyableCustomer } from '../feedback/feedback.test-helpers.js';

const ctx = useTestApp();

const LONE_SURROGATE = '\uD800';

/** A value nested `depth` levels deep: {a:{a:…{}}}. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

function issueOf(body: string): { path: string; in?: string; message: string } {
  return JSON.parse(body).error.issues[0];
}

describe('the edge refuses text PostgreSQL cannot store', () => {
  it('answers 400 naming the field for NUL and lone surrogates in bodies, keys, query strings and path parameters', async () => {
    const tenant = await createTenant(ctx.app);

    // Unauthenticated sign-in is guarded like everything else.
    const signIn = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'x\u0000', password: 'p' } });
    expect(signIn.statusCode).toBe(400);
    expect(issueOf(signIn.body)).toMatchObject({ path: '/email', in: 'body', message: expect.stringMatching(/NUL/) });

    const search = await tenant.api({ method: 'GET', url: '/api/v1/customers?q=%00' });
    expect(search.statusCode).toBe(400);
    expect(issueOf(search.body)).toMatchObject({ path: '/q', in: 'querystring' });

    const audit = await tenant.api({ method: 'GET', url: '/api/v1/audit-log?entityType=a%00b' });
    expect(audit.statusCode).toBe(400);
    expect(issueOf(audit.body)).toMatchObject({ path: '/entityType', in: 'querystring' });

    const byId = await tenant.api({ method: 'GET', url: '/api/v1/customers/cus_%00' });
    expect(byId.statusCode).toBe(400);
    expect(issueOf(byId.body)).toMatchObject({ path: '/id', in: 'params' });

    const value = await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { traits: { tier: `gold${LONE_SURROGATE}` } } });
    expect(value.statusCode).toBe(400);
    expect(issueOf(value.body)).toMatchObject({ path: '/traits/tier', message: expect.stringMatching(/surrogate/) });

    const key = await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { traits: { 'ti/er\u0000': 1 } } });
    expect(key.statusCode).toBe(400);
    expect(issueOf(key.body)).toMatchObject({ path: '/traits/ti~1er\\u0000', message: expect.stringMatching(/key .*NUL/) });

    expect(await countWorkspaceRows(ctx.database.db, tenant.workspace.id, ['customers'])).toEqual({ customers: 0 });
  });

  it('guards the public survey page: a NUL answer is a 400, prototype field names are fields like others', async () => {
    const tenant = await createTenant(ctx.app);
    const survey = await createSurvey(tenant);
    const customer = await surveyableCustomer(ctx.app, tenant, 'Ines Gomez');
    const path = pathOf((await invite(tenant, survey.id, { customerId: customer })).link);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    const nul = await ctx.app.inject({ method: 'POST', url: `${path}?page=2`, headers: form, payload: 'q_why=a%00b' });
    expect(nul.statusCode).toBe(400);
    expect(issueOf(nul.body)).toMatchObject({ path: '/q_why/0', in: 'body' });

    for (const field of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const bogus = await ctx.app.inject({ method: 'POST', url: '/s/not-a-token', headers: form, payload: `${field}=1` });
      expect(bogus.statusCode, field).toBe(404);
      const real = await ctx.app.inject({ method: 'POST', url: path, headers: form, payload: `${field}=1&q_nps=9` });
      expect(real.statusCode, field).toBe(303);
    }
  });
});

describe('limits on free-form JSON', () => {
  it('answers 400 with the path for a 3,000-deep rule config and for deep or huge traits, evidence and message data', async () => {
    const tenant = await createTenant(ctx.app);
    const rules = (await tenant.api({ method: 'GET', url: '/api/v1/giving/rules' })).json().data as Array<{ id: string }>;
    const rule = rules[0];
    const deep = await tenant.api({ method: 'PATCH', url: `/api/v1/giving/rules/${rule?.id}`, payload: { config: nested(3000) } });
    expect(deep.statusCode).toBe(400);
    expect(issueOf(deep.body).path).toMatch(/^\/config\/a\/a/);

    const seventeen = await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { traits: nested(17) } });
    expect(seventeen.statusCode).toBe(400);
    expect(issueOf(seventeen.body)).toMatchObject({ path: '/traits', message: expect.stringMatching(/deeper than 16 levels/) });
    const sixteen = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { traits: nested(16), identities: [{ kind: 'email', value: 'deep@example.com' }] },
    });
    expect(sixteen.statusCode).toBe(201);
    const id = sixteen.json().id as string;

    const huge = await tenant.api({ method: 'PATCH', url: `/api/v1/customers/${id}`, payload: { traits: { notes: 'x'.repeat(900_000) } } });
    expect(huge.statusCode).toBe(400);
    expect(issueOf(huge.body)).toMatchObject({ path: '/traits', message: expect.stringMatching(/larger than 32 KB/) });

    const evidence = await tenant.api({
      method: 'POST',
      url: `/api/v1/customers/${id}/consent`,
      payload: { purpose: 'marketing', channel: 'email', status: 'granted', source: 'web-form', evidence: nested(40) },
    });
    expect(evidence.statusCode).toBe(400);
    expect(issueOf(evidence.body).path).toMatch(/^\/evidence/);

    const message = await tenant.api({
      method: 'POST',
      url: '/api/v1/messages',
      payload: { customerId: id, purpose: 'service', templateKey: 'any_key', data: { order: nested(17) } },
    });
    expect(message.statusCode).toBe(400);
    expect(issueOf(message.body)).toMatchObject({ path: '/data', message: expect.stringMatching(/deeper than 16 levels \(at \/order/) });

    const profile = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}` })).json();
    expect(JSON.stringify(profile.customer.traits)).toBe(JSON.stringify(nested(16)));
  });
});

describe('authentication comes first', () => {
  it('answers 401 to an unauthenticated request whatever its body, path or query', async () => {
    const requests = [
      { method: 'POST', url: '/api/v1/customers', payload: { traits: 'not an object', bogus: 1 } },
      { method: 'POST', url: '/api/v1/customers', payload: { traits: { a: 'x\u0000' } } },
      { method: 'GET', url: '/api/v1/customers?limit=oops&q=%00' },
      { method: 'PATCH', url: '/api/v1/giving/rules/not%20an%20id', payload: { config: nested(3000) } },
      { method: 'POST', url: '/api/v1/imports/not-a-type', payload: 'x', headers: { 'content-type': 'text/csv' } },
    ] as const;
    for (const request of requests) {
      const response = await ctx.app.inject(request);
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(401);
    }
  });
});

describe('behind the edge', () => {
  it('maps the database refusing a NUL to a 400, should one ever get past the guard', async () => {
    const refusal = await sql`select ${'a\u0000b'}::text as t`.execute(ctx.database.db).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(fromDatabaseError(refusal)).toMatchObject({ code: 'validation_failed', status: 400 });
  });
});
