import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { seedDemo, type SeedResult } from '../seed/seed.js';
import { openTestDatabase } from '../test/database.js';
import { listFollowUps } from './followups.js';

let database: Database;
let seeded: SeedResult;

beforeAll(async () => {
  database = await openTestDatabase();
  seeded = await seedDemo(database, { size: 40 });
}, 120_000);
afterAll(async () => {
  await database.close();
});

describe('the demo voice of the customer', () => {
  it('scores slow, multi-contact cases worse than one-touch ones, with comments that say why', async () => {
    const ws = seeded.workspace.id;
    const { rows } = await sql<{ hard: boolean; n: number; nps: number; ces: number }>`
      select (c.contact_count > 1 or c.reopen_count > 0 or c.transfer_count > 0) as hard, count(*)::int as n,
        avg(r.nps)::float as nps, avg(r.ces)::float as ces
      from survey_responses r join cases c on c.workspace_id = r.workspace_id and c.id = r.case_id
      where r.workspace_id = ${ws} and r.survey_kind = 'interaction' group by 1`.execute(database.db);
    const easy = rows.find((r) => !r.hard);
    const hard = rows.find((r) => r.hard);
    expect(easy && hard).toBeTruthy();
    expect(Number(hard?.nps)).toBeLessThan(Number(easy?.nps) - 2);
    expect(Number(hard?.ces)).toBeLessThan(Number(easy?.ces));

    const linked = await database.db
      .selectFrom('survey_responses')
      .selectAll()
      .where('workspace_id', '=', ws)
      .where('survey_kind', '=', 'interaction')
      .execute();
    expect(linked.every((r) => r.case_id && r.channel && r.status === 'complete')).toBe(true);
    const commented = linked.filter((r) => r.comment);
    expect(commented.length).toBeGreaterThan(3);
    expect(commented.every((r) => r.sentiment_label !== null && r.themes.length > 0)).toBe(true);
    const negative = commented.filter((r) => r.sentiment_label === 'negative');
    expect(negative.every((r) => (r.nps ?? 10) <= 8)).toBe(true);
  });

  it('has follow-ups for the team lead, some recovered and re-surveyed', async () => {
    const all = await listFollowUps(database.db, seeded.workspace.id, { state: 'all' });
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((f) => f.ownerId !== null)).toBe(true);
    expect(all.some((f) => f.resolvedAt && f.outcome)).toBe(true);
    expect(all.some((f) => f.resolvedAt === null)).toBe(true);
    expect(all.some((f) => f.resurvey?.answered)).toBe(true);
  });
});
