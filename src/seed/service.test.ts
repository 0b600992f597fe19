import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { getServiceMetrics } from '../metrics/service-metrics.js';
import { openTestDatabase } from '../test/database.js';
import { seedDemo, type SeedResult } from './seed.js';

let database: Database;
let seeded: SeedResult;

beforeAll(async () => {
  database = await openTestDatabase();
  seeded = await seedDemo(database, { size: 40 });
});
afterAll(async () => {
  await database.close();
});

describe('the demo service history', () => {
  it('has a lost SIM replaced in one short web visit and billing disputes that take several contacts', async () => {
    const ws = seeded.workspace.id;
    const stories = await sql<{ code: string; state: string; contacts: number; channels: string[]; minutes: number }>`
      select j.code, c.state, c.contact_count as contacts, array_agg(distinct i.channel) as channels,
        extract(epoch from c.resolved_at - c.opened_at) / 60 as minutes
      from cases c join service_jobs j on j.workspace_id = c.workspace_id and j.id = c.job_id
        join interactions i on i.workspace_id = c.workspace_id and i.case_id = c.id
      where c.workspace_id = ${ws} group by c.workspace_id, c.id, j.code`.execute(database.db);
    const sim = stories.rows.filter((r) => r.code === 'replace-lost-sim');
    expect(sim.length).toBeGreaterThan(0);
    expect(sim.every((r) => r.contacts === 1 && r.channels.join() === 'web' && Number(r.minutes) <= 10)).toBe(true);
    const disputes = stories.rows.filter((r) => r.code === 'billing-dispute');
    expect(disputes.length).toBeGreaterThan(0);
    expect(disputes.every((r) => r.contacts >= 3 && r.channels.length >= 2 && Number(r.minutes) > 3 * 24 * 60)).toBe(true);
    expect(seeded.counts.cases).toBe(24);
  });

  it('feeds the service dashboard', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
    const metrics = await getServiceMetrics(database.db, seeded.workspace.id, { from, to: today, by: 'job' });
    const sim = metrics.groups.find((g) => g.label === 'Replace lost SIM');
    expect(sim?.oneTouchRate).toBe(1);
    const dispute = metrics.groups.find((g) => g.label === 'Billing dispute');
    expect(dispute?.oneTouchRate).toBe(0);
  });
});
