import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../../auth/actor.js';
import { insertCatalog } from '../../test/fixtures.js';
import { createTenant, useTestApp, type TestTenant } from '../../test/app.js';
import { importStream, type ImportFormat, type RejectedRow } from './run-import.js';
import type { ImportType } from './entities.js';
import { countWorkspaceRows } from '../../test/database.js';

const ctx = useTestApp();

async function runImport(tenant: TestTenant, type: ImportType, format: ImportFormat, text: string, batchSize = 2) {
  const rejected: RejectedRow[] = [];
  const summary = await importStream(ctx.database.db, systemActor(tenant.workspace.id, 'test'), Readable.from([text]), {
    type,
    format,
    batchSize,
    onRejected: (row) => {
      rejected.push(row);
    },
  });
  return { summary, rejected: rejected.sort((a, b) => a.row - b.row) };
}

async function counts(workspaceId: string) {
  const tables = ['customers', 'customer_identities', 'audit_log', 'holdings', 'usage_records', 'transactions'] as const;
  const c = await countWorkspaceRows(ctx.database.db, workspaceId, tables);
  return {
    customers: c.customers,
    identities: c.customer_identities,
    audit: c.audit_log,
    holdings: c.holdings,
    usage: c.usage_records,
    transactions: c.transactions,
  };
}

const CUSTOMERS_CSV = `name,email,phone,external_system,external_id,segment
Ada Lovelace,ada@example.com,07700 900001,billing,B-1001,gold
Grace Hopper,not-an-email,,,,silver
Alan Turing,alan@example.com,,billing,B-1003,
Nobody,,,,,bronze
Katherine Johnson,katherine@example.com,,billing,B-1005,gold,extra-cell
Dorothy Vaughan,dorothy@example.com,,,,
`;

describe('bulk import', () => {
  it('loads good customer rows, reports the others by line and reason, and changes nothing on a re-import', async () => {
    const tenant = await createTenant(ctx.app);
    const first = await runImport(tenant, 'customers', 'csv', CUSTOMERS_CSV);
    expect(first.summary).toMatchObject({ rows: 6, created: 3, updated: 0, unchanged: 0, rejected: 3 });
    expect(first.rejected).toEqual([
      { row: 3, reason: expect.stringMatching(/^\/email: /) },
      { row: 5, reason: expect.stringMatching(/needs an identity/) },
      { row: 6, reason: expect.stringMatching(/Invalid Record Length/i) },
    ]);
    const search = await tenant.api({ method: 'GET', url: '/api/v1/customers?q=B-1001' });
    const ada = search.json().data[0];
    expect(ada).toMatchObject({ displayName: 'Ada Lovelace', email: 'ada@example.com', phone: '+447700900001' });
    const profile = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${ada.id}` })).json();
    expect(profile.customer.traits).toEqual({ segment: 'gold' });

    const before = await counts(tenant.workspace.id);
    const again = await runImport(tenant, 'customers', 'csv', CUSTOMERS_CSV, 50);
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 3, rejected: 3 });
    expect(await counts(tenant.workspace.id)).toEqual(before);
  });

  it('imports identities, holdings, usage and transactions as NDJSON onto the customer 360, idempotently', async () => {
    const tenant = await createTenant(ctx.app);
    const catalog = await insertCatalog(ctx.database.db, tenant.workspace.id);
    await runImport(tenant, 'customers', 'ndjson', '{"name":"Mary Jackson","email":"mary@example.com","traits":{"tier":"gold"}}\n');
    const identities = [
      '{"customer_email":"mary@example.com","kind":"external","system":"crm","value":"CRM-77"}',
      '{"customer_email":"nobody@example.com","kind":"user_id","value":"u-1"}',
      'this is not json',
    ].join('\n');
    const attached = await runImport(tenant, 'identities', 'ndjson', identities);
    expect(attached.summary).toMatchObject({ updated: 1, rejected: 2 });
    expect(attached.rejected).toEqual([
      { row: 2, reason: '/customer_email: no customer has email nobody@example.com' },
      { row: 3, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    const holdings = [
      JSON.stringify({
        customer_external_system: 'crm',
        customer_external_id: 'CRM-77',
        product: catalog.sim.code,
        plan: catalog.sim10.code,
        started_at: '2024-02-01',
        external_ref: 'LINE-1',
      }),
      JSON.stringify({ customer_email: 'mary@example.com', product: 'no-such-product', started_at: '2024-02-01', external_ref: 'LINE-2' }),
    ].join('\n');
    const usage = `holding_ref,period_start,period_end,data_mb,minutes,texts
LINE-1,2024-03-01,2024-04-01,5120,300,20
LINE-1,2024-04-01,2024-05-01,-5,0,0
LINE-9,2024-04-01,2024-05-01,1,1,1
`;
    const transactions = `customer_email,holding_ref,kind,amount_minor,currency,occurred_at,description,source,external_id
mary@example.com,LINE-1,charge,1200,GBP,2024-03-01T09:00:00Z,March bill,billing,INV-1
mary@example.com,,refund,300,GBP,2024-03-05T09:00:00Z,Goodwill,billing,INV-2
mary@example.com,,gift,1,GBP,2024-03-05T09:00:00Z,,billing,INV-3
`;
    const run = async () => ({
      holdings: await runImport(tenant, 'holdings', 'ndjson', holdings),
      usage: await runImport(tenant, 'usage', 'csv', usage),
      transactions: await runImport(tenant, 'transactions', 'csv', transactions),
    });
    const first = await run();
    expect(first.holdings.summary).toMatchObject({ created: 1, rejected: 1 });
    expect(first.holdings.rejected).toEqual([{ row: 2, reason: '/product: no product has code no-such-product' }]);
    expect(first.usage.summary).toMatchObject({ created: 1, rejected: 2 });
    expect(first.usage.rejected.map((r) => r.row)).toEqual([3, 4]);
    expect(first.usage.rejected[0]?.reason).toMatch(/data_mb: must be a whole number/);
    expect(first.transactions.summary).toMatchObject({ created: 2, rejected: 1 });
    expect(first.transactions.rejected).toEqual([{ row: 4, reason: expect.stringMatching(/^\/kind: must be one of/) }]);

    const customerId = (await tenant.api({ method: 'GET', url: '/api/v1/customers?q=CRM-77' })).json().data[0].id;
    const profile = (await tenant.api({ method: 'GET', url: `/api/v1/customers/${customerId}` })).json();
    expect(profile.holdings).toEqual([
      expect.objectContaining({ externalRef: 'LINE-1', latestUsage: expect.objectContaining({ dataMb: 5120 }) }),
    ]);
    expect(profile.recentTransactions.map((t: { description: string }) => t.description)).toEqual(['Goodwill', 'March bill']);

    const before = await counts(tenant.workspace.id);
    const second = await run();
    expect(second.holdings.summary).toMatchObject({ created: 0, unchanged: 1 });
    expect(second.usage.summary).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(second.transactions.summary).toMatchObject({ created: 0, unchanged: 2 });
    expect(await counts(tenant.workspace.id)).toEqual(before);
  });

  it('takes a file through the API as text/csv and answers with the summary and refused rows', async () => {
    const tenant = await createTenant(ctx.app);
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/imports/customers',
      headers: { 'content-type': 'text/csv' },
      payload: 'name,email\nEdsger Dijkstra,edsger@example.com\nBroken,@@\n',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ type: 'customers', rows: 2, created: 1, rejected: 1, rejectedRows: [{ row: 3 }] });
    const analyst = await tenant.signInAs('analyst');
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/imports/customers',
      headers: { 'content-type': 'text/csv', cookie: analyst.cookie },
      payload: 'name,email\nX,x@example.com\n',
    });
    expect(refused.statusCode).toBe(403);
  });

  it('refuses a row holding text PostgreSQL cannot store by its line, keeping the rows before and after it', async () => {
    const tenant = await createTenant(ctx.app);
    const good = Array.from({ length: 250 }, (_, i) => JSON.stringify({ name: `Person ${i}`, email: `p${i}@example.com` }));
    const lines = [...good, '{"name":"Nul\\u0000Person","email":"nul@example.com"}', '{"name":"After","email":"after@example.com"}'];
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/imports/customers',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: lines.join('\n'),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      rows: 252,
      created: 251,
      rejected: 1,
      rejectedRows: [{ row: 251, reason: expect.stringMatching(/^\/name contains a NUL/) }],
    });
    // A file is bytes, so a lone surrogate cannot arrive in one (it decodes to U+FFFD); a raw NUL can.
    const csv = await runImport(tenant, 'customers', 'csv', `name,email\nNul\u0000,nul2@example.com\nWhole,whole@example.com\n`);
    expect(csv.summary).toMatchObject({ created: 1, rejected: 1 });
    expect(csv.rejected).toEqual([{ row: 2, reason: expect.stringMatching(/^\/name contains a NUL/) }]);
    // A JSON cell holds what its text escapes: a NUL, or nesting past the limit, refuses the row by the path inside it.
    const deep = `${'{"a":'.repeat(20)}1${'}'.repeat(20)}`;
    const cells = await runImport(
      tenant,
      'customers',
      'csv',
      `name,email,traits\nEscaped,esc@example.com,"{""note"":""a\\u0000b""}"\nDeep,deep@example.com,"${deep.replace(/"/g, '""')}"\n`,
    );
    expect(cells.summary).toMatchObject({ created: 0, rejected: 2 });
    expect(cells.rejected).toEqual([
      { row: 2, reason: expect.stringMatching(/^\/traits\/note: contains a NUL/) },
      { row: 3, reason: expect.stringMatching(/^\/traits\/a\/a.*nested deeper than 16 levels/) },
    ]);
  });

  it('rolls back a batch that fails for a reason other than its rows, reports its lines, and loads them when run again', async () => {
    const tenant = await createTenant(ctx.app);
    const db = ctx.database.db;
    // A failure the importer cannot blame on a row: the database refuses with an error code it does not map.
    await sql`create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.value = 'boom@example.com' then raise exception 'boom' using errcode = 'XX001'; end if; return new; end $$`.execute(db);
    await sql`create trigger refuse_boom before insert on customer_identities for each row execute function refuse_boom()`.execute(db);
    const csv = `name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\nBoom,boom@example.com\nE,e@example.com\n`;
    try {
      const failed = await runImport(tenant, 'customers', 'csv', csv, 2);
      expect(failed.summary).toMatchObject({ rows: 5, created: 2, rejected: 3 });
      expect(failed.rejected).toEqual([
        { row: 4, reason: expect.stringMatching(/batch of lines 4–5 was rolled back whole.*XX001.*import the file again/) },
        { row: 5, reason: expect.stringMatching(/batch of lines 4–5 was rolled back whole/) },
        { row: 6, reason: expect.stringMatching(/import stopped after the batch of lines 4–5 failed/) },
      ]);
      expect(await counts(tenant.workspace.id)).toMatchObject({ customers: 2, identities: 2 });
    } finally {
      await sql`drop trigger refuse_boom on customer_identities`.execute(db);
      await sql`drop function refuse_boom()`.execute(db);
    }
    const again = await runImport(tenant, 'customers', 'csv', csv, 2);
    expect(again.summary).toMatchObject({ created: 3, unchanged: 2, rejected: 0 });
  });
});
