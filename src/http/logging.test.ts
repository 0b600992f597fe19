import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { createSurvey, invite, pathOf, surveyableCustomer } from '../feedback/feedback.test-helpers.js';
import { createTenant } from '../test/app.js';
import { openTestDatabase } from '../test/database.js';

const EMAIL = 'archie.fraser88@example.net';

/** The app as `rapport serve` builds it (default level, info), writing its log lines here. */
const lines: string[] = [];
let database: Database;
let app: FastifyInstance;

beforeAll(async () => {
  database = await openTestDatabase();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  app = await buildApp(loadConfig({}, { databaseUrl: undefined }), { database, logStream: stream });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** The log lines written while `action` ran. */
async function logged(action: () => Promise<unknown>): Promise<string> {
  const from = lines.length;
  await action();
  return lines.slice(from).join('\n');
}

describe('logs at the default level', () => {
  it('name the route of a customer search but not the email searched for, the key or the full client address', async () => {
    expect(app.log.level).toBe('info');
    const tenant = await createTenant(app);
    const admin = await tenant.signInAs('admin');
    const log = await logged(async () => {
      const search = await tenant.api({
        method: 'GET',
        url: `/api/v1/customers?q=${encodeURIComponent(EMAIL)}&limit=5`,
        remoteAddress: '203.0.113.57',
      });
      expect(search.statusCode).toBe(200);
      await app.inject({
        method: 'GET',
        url: `/api/v1/customers?q=${EMAIL}`,
        headers: { cookie: admin.cookie },
        remoteAddress: '2001:db8:abcd:12::7',
      });
    });
    const requests = log.split('\n').map((line) => JSON.parse(line) as { msg: string; req?: { url: string; remoteAddress: string } });
    const incoming = requests.filter((line) => line.msg === 'incoming request');
    expect(incoming).toHaveLength(2);
    expect(incoming[0]?.req).toEqual({ method: 'GET', url: '/api/v1/customers?q=…&limit=…', remoteAddress: '203.0.113.0/24' });
    expect(log).toContain('request completed');
    expect(log).not.toContain('archie');
    expect(log).not.toContain('example.net');
    expect(incoming[1]?.req?.remoteAddress).toBe('2001:db8:abcd::/48');
    expect(log).not.toContain('203.0.113.57');
    expect(log).not.toContain(':12::7');
    expect(log).not.toContain(tenant.secretKey);
    expect(log).not.toContain(admin.cookie.split('=')[1]);
  });

  it("keep Rapport's ids in a path but not an identity's value or a survey link's token", async () => {
    const tenant = await createTenant(app);
    const survey = await createSurvey(tenant);
    const customer = await surveyableCustomer(app, tenant, 'Archie Fraser');
    const invitation = await invite(tenant, survey.id, { customerId: customer });
    const token = pathOf(invitation.link).split('/').pop() ?? '';
    const log = await logged(async () => {
      await tenant.api({ method: 'DELETE', url: `/api/v1/customers/${customer}/identities/email/${encodeURIComponent(EMAIL)}` });
      expect((await app.inject({ method: 'GET', url: pathOf(invitation.link) })).statusCode).toBe(200);
      await app.inject({ method: 'GET', url: `/no-such-page/${EMAIL}` });
    });
    expect(log).toContain(`"url":"/api/v1/customers/${customer}/identities/:kind/:value"`);
    expect(log).toContain('"url":"/s/:token"');
    expect(log).toContain('"url":"/no-such-page/…"');
    expect(token.length).toBeGreaterThan(20);
    expect(log).not.toContain(token);
    expect(log).not.toContain('archie');
  });

  it('leave out the values a database error quotes', async () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "identities_pkey"'), {
      code: '23505',
      detail: `Key (workspace_id, kind, value)=(ws_1, email, ${EMAIL}) already exists.`,
      params: ['ws_1', 'email', EMAIL],
    });
    const log = await logged(async () => app.log.warn({ err: error }, 'database rejected a change'));
    expect(log).toContain('identities_pkey');
    expect(log).toContain('23505');
    expect(log).not.toContain('archie');
  });
});
