import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp, createTenant } from '../test/app.js';
import { insertCatalog, insertHolding, insertTransaction, insertUsage } from '../test/fixtures.js';

const ctx = useTestApp();

/** Every row of every table in the schema, as text: what a search for leftover personal data would read. */
async function dumpDatabase(): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
    ctx.database.db,
  );
  let text = '';
  for (const { table_name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(table_name)}`.execute(ctx.database.db);
    text += JSON.stringify(rows.rows);
  }
  return text;
}

describe('data-subject requests', () => {
  it('exports everything held about a customer, including a profile merged into them', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const id = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: {
          displayName: 'Erin Export',
          identities: [{ kind: 'email', value: 'erin@example.com' }],
          consent: [{ purpose: 'surveys', channel: 'email', status: 'granted', source: 'web' }],
        },
      })
    ).json().id;
    const catalog = await insertCatalog(ctx.database.db, ws);
    const holding = await insertHolding(ctx.database.db, ws, {
      customerId: id,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
    });
    await insertUsage(ctx.database.db, ws, holding, [{ start: '2026-10-01', end: '2026-11-01', dataMb: 321 }]);
    const response = await tenant.api({
      method: 'POST',
      url: `/api/v1/customers/${id}/export`,
      payload: { reason: 'customer asked by email' },
    });
    expect(response.statusCode).toBe(200);
    const { data, requestId } = response.json();
    expect(data.customers[0].display_name).toBe('Erin Export');
    expect(data.customer_identities[0].value).toBe('erin@example.com');
    expect(data.consent_events[0].purpose).toBe('surveys');
    expect(data.holdings[0].id).toBe(holding);
    expect(data.usage_records[0].data_mb).toBe(321);
    const request = await ctx.database.db.selectFrom('dsr_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    expect(request).toMatchObject({ kind: 'export', customer_id: id, requested_by_kind: 'api_key', reason: 'customer asked by email' });
  });

  it('erases personal data from every table, keeps aggregates, and records who asked', async () => {
    const tenant = await createTenant(ctx.app);
    const ws = tenant.workspace.id;
    const name = 'Zebedee Quixotic-Erasure';
    const email = 'zebedee.quixotic@erase.example';
    const phone = '+447700900777';
    const first = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: { displayName: name, traits: { nickname: 'Zeb-the-unique' }, identities: [{ kind: 'email', value: email }] },
      })
    ).json().id;
    const second = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: {
          displayName: `${name} II`,
          identities: [
            { kind: 'phone', value: phone },
            { kind: 'external', system: 'crm', value: 'CRM-ZEB-42' },
          ],
        },
      })
    ).json().id;
    await tenant.api({ method: 'POST', url: `/api/v1/customers/${first}/merge`, payload: { otherId: second } });
    await tenant.api({
      method: 'POST',
      url: `/api/v1/customers/${first}/consent`,
      payload: { purpose: 'marketing', channel: 'sms', status: 'granted', source: 'call', evidence: { caller: phone } },
    });
    const other = (
      await tenant.api({
        method: 'POST',
        url: '/api/v1/customers',
        payload: { displayName: 'Stays Here', identities: [{ kind: 'email', value: 'stays@example.com' }] },
      })
    ).json().id;
    await tenant.api({
      method: 'POST',
      url: '/api/v1/households',
      payload: {
        name: 'Shared',
        kind: 'household',
        members: [
          { customerId: first, role: 'owner' },
          { customerId: other, role: 'member' },
        ],
      },
    });
    const catalog = await insertCatalog(ctx.database.db, ws);
    const holding = await insertHolding(ctx.database.db, ws, {
      customerId: first,
      productId: catalog.sim.id,
      planId: catalog.sim10.id,
      priceMinor: 1200,
      externalRef: phone,
    });
    await insertUsage(ctx.database.db, ws, holding, [{ start: '2026-10-01', end: '2026-11-01', dataMb: 999 }]);
    await insertTransaction(ctx.database.db, ws, {
      customerId: first,
      holdingId: holding,
      kind: 'purchase',
      amountMinor: 25000,
      occurredAt: '2026-06-01T10:00:00Z',
      description: `Handset for ${name}`,
    });
    await ctx.database.db
      .insertInto('customer_events')
      .values({
        workspace_id: ws,
        id: 'evt_erasetest0000000000000000',
        customer_id: first,
        type: 'track',
        name: 'Bill Viewed',
        properties: JSON.stringify({ email }),
        occurred_at: '2026-06-02T10:00:00Z',
      })
      .execute();
    const own = await tenant.api({
      method: 'POST',
      url: '/api/v1/households',
      payload: { name: 'The Quixotic-Erasure household', kind: 'household', members: [{ customerId: first, role: 'owner' }] },
    });
    expect(own.statusCode).toBe(201);
    const admin = await tenant.signInAs('admin');
    const agent = await tenant.signInAs('agent');

    const denied = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${first}/erase`,
      headers: { cookie: agent.cookie },
      payload: {},
    });
    expect(denied.statusCode).toBe(403);
    const erased = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${first}/erase`,
      headers: { cookie: admin.cookie },
      payload: { reason: 'GDPR Art. 17 request' },
    });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({ customerId: first, profilesErased: 2 });

    const dump = await dumpDatabase();
    for (const secret of [name, email, phone, 'CRM-ZEB-42', 'Zeb-the-unique', 'zebedee', 'Quixotic-Erasure']) {
      expect(dump.toLowerCase(), `"${secret}" is still stored`).not.toContain(secret.toLowerCase());
    }
    // Aggregates stay: the holding, its usage and the transaction amount.
    const holdings = await ctx.database.db.selectFrom('holdings').select(['id', 'price_minor']).where('workspace_id', '=', ws).execute();
    expect(holdings).toEqual([{ id: holding, price_minor: 1200 }]);
    const usage = await ctx.database.db.selectFrom('usage_records').select('data_mb').where('holding_id', '=', holding).execute();
    expect(usage).toEqual([{ data_mb: 999 }]);
    const amounts = await ctx.database.db.selectFrom('transactions').select('amount_minor').where('workspace_id', '=', ws).execute();
    expect(amounts).toEqual([{ amount_minor: 25000 }]);

    const request = await ctx.database.db
      .selectFrom('dsr_requests')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('kind', '=', 'erase')
      .executeTakeFirstOrThrow();
    const me = (await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: admin.cookie } })).json();
    expect(request).toMatchObject({
      customer_id: first,
      requested_by_kind: 'user',
      requested_by_id: me.user.id,
      reason: 'GDPR Art. 17 request',
    });
    expect(request.requested_at).toBeInstanceOf(Date);

    expect((await tenant.api({ method: 'GET', url: `/api/v1/customers/${first}` })).statusCode).toBe(404);
    expect((await tenant.api({ method: 'GET', url: `/api/v1/customers?q=${encodeURIComponent(email)}` })).json().data).toEqual([]);
    const household = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${other}` })).json().households[0];
    expect(household.members.map((m: { customerId: string }) => m.customerId)).toEqual([other]);
  });
});
