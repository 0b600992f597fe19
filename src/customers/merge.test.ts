import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp, createTenant } from '../test/app.js';
import { insertCatalog, insertHolding, insertTransaction } from '../test/fixtures.js';
import { CUSTOMER_HISTORY_COLUMNS, CUSTOMER_REFERENCES } from './references.js';

const ctx = useTestApp();

describe('identity resolution', () => {
  it('merges two profiles when an identity of one is attached to the other; the older survives and nothing is lost', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const older = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: { displayName: 'Sam Shop', traits: { tier: 'gold' }, identities: [{ kind: 'external', system: 'shop', value: 'S-1' }] },
      })
    ).json().id;
    const newer = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: {
          displayName: 'Samuel Billing',
          traits: { tier: 'silver', city: 'Leeds' },
          identities: [
            { kind: 'email', value: 'sam@example.com' },
            { kind: 'external', system: 'billing', value: 'B-9' },
          ],
          preferences: { timeZone: 'Europe/London' },
          consent: [{ purpose: 'marketing', channel: 'email', status: 'granted', source: 'checkout' }],
        },
      })
    ).json().id;
    const catalog = await insertCatalog(ctx.database.db, ws);
    const holding = await insertHolding(ctx.database.db, ws, {
      customerId: newer,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
    });
    await insertTransaction(ctx.database.db, ws, {
      customerId: newer,
      kind: 'purchase',
      amountMinor: 19900,
      occurredAt: '2026-05-01T12:00:00Z',
    });
    const household = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/households',
        payload: { name: 'Home', kind: 'household', members: [{ customerId: newer, role: 'owner' }] },
      })
    ).json().id;

    // The newer profile is attached the older one's shop id from the newer side.
    const attach = await tenant.api({
      method: 'POST',
      url: `/api/v1/customers/${newer}/identities`,
      payload: { kind: 'external', system: 'shop', value: 'S-1' },
    });
    expect(attach.statusCode).toBe(200);
    expect(attach.json()).toMatchObject({ customerId: older, merge: { survivorId: older, mergedId: newer, reason: 'identity' } });

    const view = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${older}` })).json();
    expect(view.customer.displayName).toBe('Sam Shop');
    expect(view.customer.traits).toEqual({ tier: 'gold', city: 'Leeds' });
    expect(view.customer.preferences.timeZone).toBe('Europe/London');
    expect(view.identities.map((i: { value: string }) => i.value).sort()).toEqual(['B-9', 'S-1', 'sam@example.com']);
    expect(view.holdings.map((h: { id: string }) => h.id)).toEqual([holding]);
    expect(view.recentTransactions).toHaveLength(1);
    expect(view.consent).toEqual([expect.objectContaining({ purpose: 'marketing', status: 'granted' })]);
    expect(view.households.map((h: { id: string }) => h.id)).toEqual([household]);
    expect(view.mergedFrom).toEqual([newer]);

    // Nothing points at the merged profile any more.
    for (const ref of CUSTOMER_REFERENCES) {
      const left = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.table(ref.table)} where ${sql.ref(ref.column)} = ${newer}`.execute(ctx.database.db);
      expect(left.rows[0]?.n, `${ref.table}.${ref.column}`).toBe(0);
    }

    // The old id still resolves: a permanent redirect to the survivor.
    const old = await tenant.api({ method: 'GET', url: `/api/v1/customers/${newer}` });
    expect(old.statusCode).toBe(308);
    expect(old.headers.location).toBe(`/api/v1/customers/${older}`);

    const merges = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${older}/merges` })).json().data;
    expect(merges).toEqual([
      expect.objectContaining({ survivorId: older, mergedId: newer, identity: { kind: 'external', system: 'shop', value: 'S-1' } }),
    ]);
    const record = await ctx.database.db
      .selectFrom('customer_merges')
      .select('merged_profile')
      .where('merged_id', '=', newer)
      .executeTakeFirstOrThrow();
    expect(record.merged_profile).toMatchObject({ displayName: 'Samuel Billing', traits: { tier: 'silver', city: 'Leeds' } });
  });

  it('chooses the same survivor whichever side the merge starts from, and flattens chains', async () => {
    const tenant = await createTenant(ctx.app);
    const make = async (email: string) =>
      (await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { identities: [{ kind: 'email', value: email }] } })).json()
        .id as string;
    const a = await make('a@example.com');
    const b = await make('b@example.com');
    const c = await make('c@example.com');
    // Merge b into c from c's side, then a from the newest side: a (oldest) must survive.
    const first = await tenant.api({ method: 'POST', url: `/api/v1/customers/${c}/merge`, payload: { otherId: b } });
    expect(first.json()).toMatchObject({ survivorId: b, mergedId: c });
    const second = await tenant.api({ method: 'POST', url: `/api/v1/customers/${b}/merge`, payload: { otherId: a } });
    expect(second.json()).toMatchObject({ survivorId: a, mergedId: b });
    const fromC = await tenant.api({ method: 'GET', url: `/api/v1/customers/${c}` });
    expect(fromC.statusCode).toBe(308);
    expect(fromC.headers.location).toBe(`/api/v1/customers/${a}`);
    const view = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${a}` })).json();
    expect(view.identities.map((i: { value: string }) => i.value).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('merges every profile named by one identify call into one', async () => {
    const tenant = await createTenant(ctx.app);
    const one = (
      await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { identities: [{ kind: 'email', value: 'one@example.com' }] } })
    ).json().id;
    await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { identities: [{ kind: 'phone', value: '+447700900999' }] } });
    const both = await tenant.api({
      method: 'POST',
      url: '/api/v1/customers',
      payload: {
        identities: [
          { kind: 'phone', value: '+447700900999' },
          { kind: 'email', value: 'one@example.com' },
        ],
      },
    });
    expect(both.statusCode).toBe(200);
    expect(both.json().id).toBe(one);
    const list = (await tenant.api({ method: 'GET', url: '/api/v1/customers' })).json().data;
    expect(list.map((c: { id: string }) => c.id)).toEqual([one]);
  });

  it('knows every column that points at a customer', async () => {
    const columns = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and (column_name like '%customer_id' or column_name in ('survivor_id', 'merged_id'))`.execute(
      ctx.database.db,
    );
    const known = new Set([...CUSTOMER_REFERENCES, ...CUSTOMER_HISTORY_COLUMNS].map((r) => `${r.table}.${r.column}`));
    const unknown = columns.rows.map((r) => `${r.table_name}.${r.column_name}`).filter((name) => !known.has(name));
    expect(unknown, 'register new customer columns in src/customers/references.ts').toEqual([]);
  });
});

describe('households in a merge', () => {
  it('keeps the stronger role when both profiles are in one household, and keeps the merged one’s roles on record', async () => {
    const tenant = await createTenant(ctx.app);
    const make = async (email: string) =>
      (await tenant.api({ method: 'POST', url: '/api/v1/customers', payload: { identities: [{ kind: 'email', value: email }] } })).json()
        .id as string;
    const older = await make('older@example.com');
    const newer = await make('newer@example.com');
    const household = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/households',
        payload: {
          name: 'Family',
          kind: 'family_plan',
          members: [
            { customerId: older, role: 'member' },
            { customerId: newer, role: 'payer' },
          ],
        },
      })
    ).json().id;
    await tenant.api({ method: 'POST', url: `/api/v1/customers/${newer}/merge`, payload: { otherId: older } });
    const members = (await tenant.api({ url: `/api/v1/households/${household}` })).json().members;
    expect(members).toEqual([expect.objectContaining({ customerId: older, role: 'payer' })]);
    const record = await ctx.database.db
      .selectFrom('customer_merges')
      .select('merged_profile')
      .where('merged_id', '=', newer)
      .executeTakeFirstOrThrow();
    expect(record.merged_profile.households).toEqual([{ household_id: household, role: 'payer' }]);
    const again = await tenant.api({ method: 'POST', url: `/api/v1/customers/${older}/merge`, payload: { otherId: newer } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already one profile/);
  });
});

describe('concurrent identification', () => {
  it('turns simultaneous first sightings of one person into one profile', async () => {
    const tenant = await createTenant(ctx.app);
    const payload = (i: number) => ({
      traits: { [`seen${i}`]: true },
      identities: [
        { kind: 'email', value: 'rush@example.com' },
        { kind: 'user_id', value: `device-${i % 2}` },
      ],
    });
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => tenant.api({ method: 'POST', url: '/api/v1/customers', payload: payload(i) })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const ids = new Set(responses.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const view = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${id}` })).json();
    expect(view.identities.map((i: { value: string }) => i.value).sort()).toEqual(['device-0', 'device-1', 'rush@example.com']);
    expect(Object.keys(view.customer.traits).sort()).toEqual(['seen0', 'seen1', 'seen2', 'seen3', 'seen4', 'seen5']);
  });
});
