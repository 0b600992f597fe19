import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertFeedbackWorld, insertResponse } from '../feedback/metrics/metrics.test-helpers.js';
import { createTenant, useTestApp } from '../test/app.js';
import { CES_AGREE_MIN, csatClass } from './csat-ces.js';
import { rebuildFeedbackRollups } from './feedback-rollups.js';
import { isDetractor, isPromoter } from './nps.js';

const ctx = useTestApp();

// The rollup trigger restates the thresholds of nps.ts and csat-ces.ts in SQL (a migration
// cannot import them); this holds it, and the recount built from the constants, to them.
describe('the feedback rollups count by the thresholds of the metrics module', () => {
  it('at every NPS, CSAT and CES answer', async () => {
    const tenant = await createTenant(ctx.app);
    const db = ctx.database.db;
    const w = await insertFeedbackWorld(db, tenant.workspace.id);
    const scores = Array.from({ length: 11 }, (_, i) => ({ nps: i, csat: 1 + (i % 5), ces: 1 + (i % 7) }));
    for (const [i, s] of scores.entries()) {
      await insertResponse(db, w, { ...s, answeredAt: `2026-01-${String(i + 1).padStart(2, '0')}T12:00:00Z` });
    }
    const expected = scores.map((s) => ({
      promoters: Number(isPromoter(s.nps)),
      detractors: Number(isDetractor(s.nps)),
      satisfied: Number(csatClass(s.csat) === 'satisfied'),
      agree: Number(s.ces >= CES_AGREE_MIN),
    }));
    const counted = async () =>
      (
        await sql<{ promoters: number; detractors: number; satisfied: number; agree: number }>`
          select nps_promoters::int as promoters, nps_detractors::int as detractors, csat_satisfied::int as satisfied,
            ces_agree::int as agree
          from feedback_rollups where workspace_id = ${w.workspaceId} and dimension = 'all' order by day`.execute(db)
      ).rows;
    expect(await counted()).toEqual(expected);
    await rebuildFeedbackRollups(db, w.workspaceId);
    expect(await counted()).toEqual(expected);
  });
});
