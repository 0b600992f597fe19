import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTenant, useTestApp } from '../../test/app.js';
import { rebuildFeedbackRollups } from '../../metrics/feedback-rollups.js';
import { insertFeedbackWorld, insertResponse } from './metrics.test-helpers.js';

const ctx = useTestApp();

/** Every non-zero rollup row of a workspace, as sorted text, so two states compare exactly. */
async function snapshot(workspaceId: string) {
  const counters = await sql<Record<string, unknown>>`select * from feedback_rollups where workspace_id = ${workspaceId}
    and (responses, nps_n, csat_n, ces_n, feelings_asked, sentiment_n, complete) <> (0, 0, 0, 0, 0, 0, 0)`.execute(ctx.database.db);
  const themes = await sql<Record<string, unknown>>`select * from feedback_theme_rollups where workspace_id = ${workspaceId}
    and n <> 0`.execute(ctx.database.db);
  const line = (r: Record<string, unknown>) =>
    Object.keys(r)
      .sort()
      .map((k) => `${k}=${String(r[k])}`)
      .join(' ');
  return { counters: counters.rows.map(line).sort(), themes: themes.rows.map(line).sort() };
}

describe('feedback rollups', () => {
  it('equal a full recount after inserts, answers changed, partial → complete, comments erased, merges and deletes', async () => {
    const tenant = await createTenant(ctx.app);
    const db = ctx.database.db;
    const w = await insertFeedbackWorld(db, tenant.workspace.id);
    const base = { channel: 'phone', agent: w.agents.ann, team: w.teams.care, job: w.jobs.sim, productLine: w.lines.mobile };
    const a = await insertResponse(db, w, {
      ...base,
      nps: 10,
      csat: 5,
      ces: 6,
      feelings: ['smart'],
      comment: 'Quick and kind',
      sentiment: 0.8,
      themes: ['speed', 'staff'],
      segment: 'gold',
      answeredAt: '2026-03-02T23:30:00Z',
    });
    const b = await insertResponse(db, w, {
      ...base,
      channel: 'email',
      agent: w.agents.bo,
      nps: 3,
      status: 'partial',
      answeredAt: '2026-03-03T00:10:00Z',
    });
    const c = await insertResponse(db, w, {
      kind: 'relationship',
      nps: 7,
      csat: 2,
      feelingsAsked: true,
      comment: 'Slow billing',
      sentiment: -0.6,
      themes: ['billing', 'billing', 'speed'],
      segment: 'gold',
      answeredAt: '2026-02-27T12:00:00Z',
    });
    const d = await insertResponse(db, w, { ...base, agent: null, team: w.teams.billing, ces: 2, answeredAt: '2026-03-31T23:59:59Z' });
    await insertResponse(db, w, {
      ...base,
      channel: null,
      nps: 9,
      feelings: ['safe', 'cool'],
      themes: ['price'],
      sentiment: 0,
      customer: 2,
      answeredAt: '2026-04-01T00:00:00Z',
    });

    // the customer answers again: the same row, a new score and later in time (another day)
    await db.updateTable('survey_responses').set({ nps: 6, answered_at: '2026-03-05T09:00:00Z' }).where('id', '=', a).execute();
    // a partial response is completed with its remaining answers
    await db
      .updateTable('survey_responses')
      .set({ status: 'complete', csat: 4, ces: 5, feelings: ['special'], themes: ['staff'], sentiment_score: 0.2, comment: 'Fixed it' })
      .where('id', '=', b)
      .execute();
    await db
      .updateTable('survey_responses')
      .set({ sentiment_score: 0.4, answered_at: '2026-03-06T10:00:00Z' })
      .where('id', '=', b)
      .execute();
    // erasure empties comment and answers; whether the feelings question was asked is kept
    await db.updateTable('survey_responses').set({ comment: null, answers: '{}' }).where('id', '=', c).execute();
    // a customer merge repoints the response
    await db.updateTable('survey_responses').set({ customer_id: w.customers[3]! }).where('id', '=', a).execute();
    // the response's agent and segment are corrected
    await db.updateTable('survey_responses').set({ agent_user_id: w.agents.bo, segment: 'silver' }).where('id', '=', d).execute();
    await db.deleteFrom('survey_responses').where('id', '=', c).execute();
    const e = await insertResponse(db, w, {
      kind: 'relationship',
      nps: 0,
      feelingsAsked: true,
      themes: ['billing'],
      sentiment: -0.9,
      answeredAt: '2026-02-28T08:00:00Z',
    });
    await db
      .updateTable('survey_responses')
      .set({ themes: ['billing', 'app'] })
      .where('id', '=', e)
      .execute();

    const incremental = await snapshot(w.workspaceId);
    expect(incremental.counters.length).toBeGreaterThan(20);
    expect(incremental.themes.length).toBeGreaterThan(10);
    await rebuildFeedbackRollups(db, w.workspaceId);
    const recount = await snapshot(w.workspaceId);
    expect(incremental.counters).toEqual(recount.counters);
    expect(incremental.themes).toEqual(recount.themes);
  });

  it('leaves the rollups alone when nothing they count changes, and empties them when every response is deleted', async () => {
    const tenant = await createTenant(ctx.app);
    const db = ctx.database.db;
    const w = await insertFeedbackWorld(db, tenant.workspace.id);
    const id = await insertResponse(db, w, {
      channel: 'chat',
      nps: 9,
      comment: 'Lovely',
      themes: ['staff'],
      sentiment: 0.7,
      answeredAt: '2026-05-01T10:00:00Z',
    });
    const before = await snapshot(w.workspaceId);
    await db.updateTable('survey_responses').set({ comment: null, answered_at: '2026-05-01T18:00:00Z' }).where('id', '=', id).execute();
    expect(await snapshot(w.workspaceId)).toEqual(before);
    const all = await sql<{ nps_n: number; nps_promoters: number }>`select nps_n, nps_promoters from feedback_rollups
      where workspace_id = ${w.workspaceId} and dimension = 'all' and day = '2026-05-01'`.execute(db);
    expect(all.rows).toEqual([{ nps_n: 1, nps_promoters: 1 }]);
    await db.deleteFrom('survey_responses').where('id', '=', id).execute();
    expect(await snapshot(w.workspaceId)).toEqual({ counters: [], themes: [] });
  });
});
