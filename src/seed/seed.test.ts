import { sql } from 'kysely';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveApiKey, signIn } from '../auth/service.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { openTestDatabase } from '../test/database.js';
import { seedDemo, type SeedResult } from './seed.js';

const SIZE = 300;
const TENANT_TABLES = [
  'customers',
  'customer_identities',
  'households',
  'household_members',
  'consent_events',
  'holdings',
  'usage_records',
  'transactions',
  'customer_events',
  'plans',
] as const;

let database: Database;
let seeded: SeedResult;
const progress: Array<[number, number]> = [];

// The demo seed also runs the giving engine over the workspace, which takes a while on a busy machine.
beforeAll(async () => {
  database = await openTestDatabase();
  seeded = await seedDemo(database, { size: SIZE, onProgress: (done, total) => progress.push([done, total]) });
}, 240_000);
afterAll(async () => {
  await database.close();
});

async function rows<T>(query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(database.db)).rows;
}

/** Display name and usage totals per billing account, the same in any two seeds of the same seed. */
async function customersByAccount(workspaceId: string) {
  return rows<{ account: string; display_name: string; data_mb: number; minutes: number; texts: number }>(sql`
    select i.value as account, c.display_name,
      coalesce(sum(u.data_mb), 0)::bigint as data_mb, coalesce(sum(u.minutes), 0)::bigint as minutes, coalesce(sum(u.texts), 0)::bigint as texts
    from customer_identities i
    join customers c on c.workspace_id = i.workspace_id and c.id = i.customer_id
    left join holdings h on h.workspace_id = c.workspace_id and h.customer_id = c.id
    left join usage_records u on u.workspace_id = h.workspace_id and u.holding_id = h.id
    where i.workspace_id = ${workspaceId} and i.kind = 'external' and i.namespace = 'billing'
    group by i.value, c.display_name
    order by i.value`);
}

describe('seedDemo', () => {
  it('creates the Demo Telecom workspace with staff who can sign in and a working secret key', async () => {
    expect(seeded.workspace).toMatchObject({ slug: 'demo', name: 'Demo Telecom' });
    expect(seeded.admin).toEqual({ email: 'admin@demo.rapport.dev', password: 'rapport-demo-password' });
    const session = await signIn(database.db, { ...seeded.admin, workspace: 'demo', ttlHours: 1 });
    expect(session.actor).toMatchObject({ workspaceId: seeded.workspace.id, role: 'admin' });
    const lead = await signIn(database.db, {
      email: 'lead@demo.rapport.dev',
      password: seeded.admin.password,
      workspace: 'demo',
      ttlHours: 1,
    });
    expect(lead.actor.role).toBe('lead');
    const roles = await database.db.selectFrom('memberships').select('role').where('workspace_id', '=', seeded.workspace.id).execute();
    expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'agent', 'agent', 'analyst', 'lead']);
    expect(await resolveApiKey(database.db, seeded.secretKey)).toMatchObject({ workspaceId: seeded.workspace.id, keyKind: 'secret' });
    expect(progress.at(-1)).toEqual([SIZE, SIZE]);
  });

  it('reports the rows it wrote, in the expected proportions', async () => {
    for (const table of TENANT_TABLES) {
      const [row] = await rows<{ count: number }>(
        sql`select count(*)::int as count from ${sql.table(table)} where workspace_id = ${seeded.workspace.id}`,
      );
      expect(row?.count, table).toBe(seeded.counts[table]);
    }
    const per = (table: string): number => (seeded.counts[table] ?? 0) / SIZE;
    expect(seeded.counts.customers).toBe(SIZE);
    expect(seeded.counts).toMatchObject({ product_lines: 2, products: 4, plans: 15 });
    expect(per('customer_identities')).toBeGreaterThanOrEqual(3);
    expect(per('consent_events')).toBeGreaterThan(3);
    expect(per('holdings')).toBeGreaterThan(1.3);
    expect(per('holdings')).toBeLessThan(2);
    expect(per('usage_records')).toBeGreaterThan(12);
    expect(per('transactions')).toBeGreaterThan(2.5);
    expect(per('transactions')).toBeLessThan(6);
    expect(per('customer_events')).toBeGreaterThan(1.5);
    // About 30% of customers live in a household of 2–4.
    expect(per('household_members')).toBeGreaterThan(0.2);
    expect(per('household_members')).toBeLessThan(0.4);
    expect(seeded.seconds).toBeGreaterThan(0);
  });

  it('gives every customer a unique lower-case email and a valid E.164 mobile number', async () => {
    const identities = await database.db
      .selectFrom('customer_identities')
      .select(['customer_id', 'kind', 'value'])
      .where('workspace_id', '=', seeded.workspace.id)
      .where('kind', 'in', ['email', 'phone'])
      .execute();
    const emails = identities.filter((i) => i.kind === 'email');
    const phones = identities.filter((i) => i.kind === 'phone');
    expect(new Set(emails.map((i) => i.customer_id)).size).toBe(SIZE);
    expect(new Set(phones.map((i) => i.customer_id)).size).toBe(SIZE);
    expect(new Set(emails.map((i) => i.value)).size).toBe(emails.length);
    for (const { value } of emails) expect(value).toMatch(/^[a-z0-9._]+@[a-z.]+$/);
    for (const { value } of phones) {
      expect(value).toMatch(/^\+447\d{9}$/);
      expect(parsePhoneNumberWithError(value).isValid()).toBe(true);
    }
  });

  it('has parents paying for lines held by others in their household', async () => {
    const paid = await rows<{ holder: string; payer: string; kind: string }>(sql`
      select holder.display_name as holder, payer.display_name as payer, hh.kind
      from holdings h
      join household_members hm on hm.workspace_id = h.workspace_id and hm.household_id = h.household_id and hm.customer_id = h.customer_id
      join household_members pm on pm.workspace_id = h.workspace_id and pm.household_id = h.household_id and pm.customer_id = h.payer_customer_id
      join households hh on hh.workspace_id = h.workspace_id and hh.id = h.household_id
      join customers holder on holder.workspace_id = h.workspace_id and holder.id = h.customer_id
      join customers payer on payer.workspace_id = h.workspace_id and payer.id = h.payer_customer_id
      where h.workspace_id = ${seeded.workspace.id} and h.payer_customer_id <> h.customer_id`);
    expect(paid.length).toBeGreaterThan(0);
    const kinds = await database.db
      .selectFrom('households')
      .select('kind')
      .distinct()
      .where('workspace_id', '=', seeded.workspace.id)
      .execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(['family_plan', 'household']);
  });

  it('has customers holding both Mobile and Broadband', async () => {
    const [row] = await rows<{ customers: number }>(sql`
      select count(*)::int as customers from (
        select h.customer_id from holdings h
        join products p on p.workspace_id = h.workspace_id and p.id = h.product_id
        join product_lines l on l.workspace_id = p.workspace_id and l.id = p.product_line_id
        where h.workspace_id = ${seeded.workspace.id} and h.status = 'active'
        group by h.customer_id having count(distinct l.code) = 2) both_lines`);
    expect(row?.customers).toBeGreaterThan(SIZE / 10);
  });

  it('records the last 12 full months of usage for every active subscription', async () => {
    const now = new Date();
    const expected = Array.from({ length: 12 }, (_, i) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12 + i, 1)).toISOString().slice(0, 10),
    );
    const holdings = await rows<{ id: string; months: string[] }>(sql`
      select h.id, coalesce(array_agg(u.period_start::text order by u.period_start) filter (where u.period_start is not null), '{}') as months
      from holdings h
      join products p on p.workspace_id = h.workspace_id and p.id = h.product_id
      left join usage_records u on u.workspace_id = h.workspace_id and u.holding_id = h.id
      where h.workspace_id = ${seeded.workspace.id} and h.status = 'active' and p.kind = 'subscription'
      group by h.id`);
    expect(holdings.length).toBeGreaterThan(SIZE);
    for (const holding of holdings) expect(holding.months).toEqual(expected);
  });

  it('has customers on plans far too big for them and customers over their allowance every month', async () => {
    const usage = await rows<{ code: string; allowance: number; most: number; least: number }>(sql`
      select pl.code, pl.data_mb as allowance, max(u.data_mb) as most, min(u.data_mb) as least
      from holdings h
      join plans pl on pl.workspace_id = h.workspace_id and pl.id = h.plan_id
      join usage_records u on u.workspace_id = h.workspace_id and u.holding_id = h.id
      where h.workspace_id = ${seeded.workspace.id} and h.status = 'active' and pl.data_mb is not null
      group by h.id, pl.code, pl.data_mb`);
    const farUnder = usage.filter((u) => u.most < u.allowance * 0.25);
    const alwaysOver = usage.filter((u) => u.least > u.allowance);
    expect(farUnder.length).toBeGreaterThan(usage.length * 0.05);
    expect(alwaysOver.length).toBeGreaterThan(usage.length * 0.03);
    // Those over their allowance pay for it: an out-of-bundle charge for each month.
    const [charges] = await rows<{ count: number }>(sql`
      select count(*)::int as count from transactions
      where workspace_id = ${seeded.workspace.id} and kind = 'charge' and description like 'Out-of-bundle usage,%'`);
    expect(charges?.count).toBeGreaterThanOrEqual(alwaysOver.length * 12);
  });

  it('keeps customers on a retired plan that costs more than today’s equivalent', async () => {
    const [row] = await rows<{ count: number }>(sql`
      select count(*)::int as count
      from holdings h
      join plans old on old.workspace_id = h.workspace_id and old.id = h.plan_id and not old.on_sale
      join plans today on today.workspace_id = old.workspace_id and today.on_sale and today.product_id = old.product_id and today.data_mb = old.data_mb
      where h.workspace_id = ${seeded.workspace.id} and h.status = 'active' and h.price_minor > today.price_minor`);
    expect(row?.count).toBeGreaterThan(0);
  });

  it('generates the same names and usage again for the same random seed', async () => {
    const first = await seedDemo(database, { size: SIZE, randomSeed: 7, workspaceSlug: 'demo-a' });
    const second = await seedDemo(database, { size: SIZE, randomSeed: 7, workspaceSlug: 'demo-b' });
    const a = await customersByAccount(first.workspace.id);
    const b = await customersByAccount(second.workspace.id);
    expect(a).toHaveLength(SIZE);
    expect(b).toEqual(a);
    expect(second.counts).toEqual(first.counts);
    const other = await customersByAccount(seeded.workspace.id);
    expect(other.map((c) => c.display_name)).not.toEqual(a.map((c) => c.display_name));
  });

  it('refuses a slug that is taken and leaves that workspace as it was', async () => {
    const attempt = seedDemo(database, { size: 10, workspaceSlug: 'demo' });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    const workspaces = await database.db.selectFrom('workspaces').select('id').where('slug', '=', 'demo').execute();
    expect(workspaces).toEqual([{ id: seeded.workspace.id }]);
    const [row] = await rows<{ count: number }>(
      sql`select count(*)::int as count from customers where workspace_id = ${seeded.workspace.id}`,
    );
    expect(row?.count).toBe(SIZE);
  });
});
