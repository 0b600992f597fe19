import { describe, expect, it } from 'vitest';
import { useTestApp, createTenant } from '../test/app.js';

const ctx = useTestApp();

describe('customer profiles', () => {
  it('normalises identities: emails lower-cased, national phone numbers to E.164', async () => {
    const tenant = await createTenant(ctx.app);
    const created = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: {
        displayName: 'Ada Lovelace',
        traits: { plan: 'gold' },
        identities: [
          { kind: 'email', value: '  Ada@Example.COM ' },
          { kind: 'phone', value: '07700 900123' },
          { kind: 'external', system: 'billing', value: 'ACC-1' },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(id).toMatch(/^cus_/);
    const profile = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}` })).json();
    expect(profile.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'email', value: 'ada@example.com', system: null }),
        expect.objectContaining({ kind: 'phone', value: '+447700900123' }),
        expect.objectContaining({ kind: 'external', system: 'billing', value: 'ACC-1' }),
      ]),
    );
  });

  it('answers a second create with a known identity with the same profile, updated', async () => {
    const tenant = await createTenant(ctx.app);
    const first = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { displayName: 'Grace', identities: [{ kind: 'email', value: 'grace@example.com' }] },
    });
    const again = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: {
        traits: { city: 'Arlington' },
        identities: [
          { kind: 'email', value: 'GRACE@example.com' },
          { kind: 'user_id', value: 'u-77' },
        ],
      },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().traits).toEqual({ city: 'Arlington' });
    expect(again.json().displayName).toBe('Grace');
    const audit = (await tenant.api({ url: `/api/v1/audit-log?entityType=customer&entityId=${first.json().id}` })).json().data;
    expect(audit.find((e: { action: string }) => e.action === 'customer.updated')).toMatchObject({
      changes: { traits: { city: 'Arlington' } },
    });
  });

  it('lets the latest of two consent entries recorded at the same moment win', async () => {
    const tenant = await createTenant(ctx.app);
    const at = '2026-02-02T10:00:00Z';
    const entry = (status: string) => ({ purpose: 'marketing', channel: 'email', status, source: 'form', recordedAt: at });
    const created = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { displayName: 'Tie', consent: [entry('granted'), entry('withdrawn')] },
    });
    const view = (await tenant.api({ url: `/api/v1/customers/${created.json().id}` })).json();
    expect(view.consent).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
  });

  it('rejects a malformed email or phone with the field path and reason, and stores nothing', async () => {
    const tenant = await createTenant(ctx.app);
    const bad = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: {
        displayName: 'Nobody',
        identities: [
          { kind: 'email', value: 'ok@example.com' },
          { kind: 'phone', value: '12' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0]).toMatchObject({ path: '/identities/1/value' });
    expect(bad.json().error.issues[0].message).toMatch(/phone/);
    const badEmail = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { identities: [{ kind: 'email', value: 'not-an-email' }] },
    });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error.message).toMatch(/not a valid email/);
    const list = await tenant.api({ method: 'GET', url: '/api/v1/customers' });
    expect(list.json().data).toEqual([]);
  });

  it('names every field that fails normalisation in one answer', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: {
        identities: [
          { kind: 'email', value: 'nope' },
          { kind: 'phone', value: '12' },
        ],
        preferences: { language: 'not a language!', timeZone: 'Nowhere/Null' },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues.map((i: { path: string }) => i.path)).toEqual([
      '/identities/0/value',
      '/identities/1/value',
      '/preferences/language',
      '/preferences/timeZone',
    ]);
  });

  it('names every bad field of a body by its path', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: {
        identities: [{ kind: 'fax', value: 'x' }],
        preferences: { channels: ['pigeon'], quietHours: { start: '25:00', end: '07:00' } },
        colour: 'red',
      },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/identities/0/kind', '/preferences/channels/0', '/preferences/quietHours/start', '/colour']),
    );
  });

  it('keeps preferences: channels in order, language, time zone, quiet hours and a contact cap', async () => {
    const tenant = await createTenant(ctx.app);
    const created = await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: 'Pref' } });
    const id = created.json().id;
    const patched = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/customers/${id}`,
      payload: {
        preferences: {
          channels: ['sms', 'email'],
          language: 'cy-gb',
          timeZone: 'Europe/London',
          quietHours: { start: '21:30', end: '08:00' },
          contactCap: { count: 2, days: 30 },
        },
      },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().preferences).toEqual({
      channels: ['sms', 'email'],
      language: 'cy-GB',
      timeZone: 'Europe/London',
      quietHours: { start: '21:30', end: '08:00' },
      contactCap: { count: 2, days: 30 },
    });
    const badZone = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/customers/${id}`,
      payload: { preferences: { timeZone: 'Mars/Olympus' } },
    });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().error.issues[0].path).toBe('/preferences/timeZone');
    const unchanged = await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}` });
    expect(unchanged.json().customer.preferences.timeZone).toBe('Europe/London');
  });

  it('derives current consent from an append-only history', async () => {
    const tenant = await createTenant(ctx.app);
    const id = (await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: 'C' } })).json().id;
    const grant = {
      purpose: 'marketing',
      channel: 'email',
      status: 'granted',
      source: 'web-form',
      evidence: { form: 'signup' },
      recordedAt: '2026-01-01T10:00:00Z',
    };
    await tenant.api({ method: 'POST', url: `/api/v1/customers/${id}/consent`, payload: grant });
    await tenant.api({
      method: 'POST',
      url: `/api/v1/customers/${id}/consent`,
      payload: { ...grant, status: 'withdrawn', source: 'unsubscribe-link', recordedAt: '2026-03-01T10:00:00Z' },
    });
    await tenant.api({ method: 'POST', url: `/api/v1/customers/${id}/consent`, payload: { ...grant, purpose: 'surveys', channel: 'sms' } });
    const profile = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}` })).json();
    expect(profile.consent).toHaveLength(2);
    expect(profile.consent.find((c: { purpose: string }) => c.purpose === 'marketing')).toMatchObject({
      status: 'withdrawn',
      source: 'unsubscribe-link',
    });
    const history = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}/consent` })).json().data;
    expect(history).toHaveLength(3);
  });
});

describe('search', () => {
  it('finds customers by email, phone in any format, external id, and part of the name', async () => {
    const tenant = await createTenant(ctx.app);
    const { id } = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: {
          displayName: 'Margaret Hamilton',
          identities: [
            { kind: 'email', value: 'margaret@apollo.example' },
            { kind: 'phone', value: '+44 7700 900456' },
            { kind: 'external', system: 'crm', value: 'CRM-9981' },
          ],
        },
      })
    ).json();
    await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { displayName: 'Someone Else', identities: [{ kind: 'email', value: 'else@example.com' }] },
    });
    for (const q of ['Margaret@Apollo.example', '07700 900456', 'CRM-9981', 'hamil', 'marga']) {
      const found = await tenant.api({ method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent(q)}` });
      expect(found.statusCode).toBe(200);
      expect(
        found.json().data.map((r: { id: string }) => r.id),
        `query ${q}`,
      ).toEqual([id]);
    }
    const hit = (await tenant.api({ method: 'GET', url: '/api/v1/customers?q=CRM-9981' })).json().data[0];
    expect(hit).toMatchObject({
      displayName: 'Margaret Hamilton',
      email: 'margaret@apollo.example',
      phone: '+447700900456',
      matchedOn: 'external',
    });
  });
});

describe('workspace isolation', () => {
  it('answers 404 for another workspace’s customer and never shows it in search', async () => {
    const a = await createTenant(ctx.app, 'A');
    const b = await createTenant(ctx.app, 'B');
    const { id } = (
      await a.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: { displayName: 'Private Person', identities: [{ kind: 'email', value: 'private@example.com' }] },
      })
    ).json();
    const read = await b.api({ method: 'GET', url: `/api/v1/customers/${id}` });
    expect(read.statusCode).toBe(404);
    expect(read.body).not.toContain('Private Person');
    const patch = await b.api({ method: 'PATCH', url: `/api/v1/customers/${id}`, payload: { displayName: 'Hijacked' } });
    expect(patch.statusCode).toBe(404);
    const search = await b.api({ method: 'GET', url: '/api/v1/customers?q=private@example.com' });
    expect(search.json().data).toEqual([]);
    expect((await a.api({ method: 'GET', url: `/api/v1/customers/${id}` })).json().customer.displayName).toBe('Private Person');
  });

  it('lets an analyst read but not change customers', async () => {
    const tenant = await createTenant(ctx.app);
    const analyst = await tenant.signInAs('analyst');
    const { id } = (await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: 'Read Only' } })).json();
    const read = await ctx.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: { cookie: analyst.cookie } });
    expect(read.statusCode).toBe(200);
    const write = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/customers/${id}`,
      headers: { cookie: analyst.cookie },
      payload: { displayName: 'x' },
    });
    expect(write.statusCode).toBe(403);
  });
});

describe('nullable fields', () => {
  it('clears a preference sent as null instead of reading it as an empty value', async () => {
    const tenant = await createTenant(ctx.app);
    const { id } = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: { displayName: 'N', preferences: { language: 'en-GB', contactCap: { count: 1, days: 7 } } },
      })
    ).json();
    const cleared = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/customers/${id}`,
      payload: { displayName: null, preferences: { language: null, contactCap: null } },
    });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toMatchObject({ displayName: null, preferences: { language: null, contactCap: null } });
  });

  it('does not coerce a number sent as text in a body', async () => {
    const tenant = await createTenant(ctx.app);
    const { id } = (await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { displayName: 'N' } })).json();
    const response = await tenant.api({
      method: 'PATCH',
      url: `/api/v1/customers/${id}`,
      payload: { preferences: { contactCap: { count: '3', days: 7 } } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues.map((i: { path: string }) => i.path)).toContain('/preferences/contactCap/count');
  });
});
