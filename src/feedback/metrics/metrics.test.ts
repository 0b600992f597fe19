import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../../test/app.js';
import { npsOf } from '../../metrics/nps.js';
import { insertFeedbackWorld, insertResponse, type FeedbackWorld } from './metrics.test-helpers.js';

const ctx = useTestApp();

/**
 * March 2026, interaction surveys: four answers on the phone with Ann (Care), three by
 * email with Bo (Billing); one relationship answer; two answers just outside the month.
 */
async function march(tenant: TestTenant): Promise<FeedbackWorld> {
  const db = ctx.database.db;
  const w = await insertFeedbackWorld(db, tenant.workspace.id);
  const phone = { channel: 'phone', agent: w.agents.ann, team: w.teams.care, job: w.jobs.sim, productLine: w.lines.mobile };
  const email = { channel: 'email', agent: w.agents.bo, team: w.teams.billing, job: w.jobs.bill, productLine: w.lines.mobile };
  await insertResponse(db, w, {
    ...phone,
    nps: 10,
    csat: 5,
    ces: 7,
    feelings: ['smart'],
    comment: 'Fast fix',
    sentiment: 0.8,
    themes: ['speed'],
    segment: 'gold',
    answeredAt: '2026-03-02T09:00:00Z',
  });
  await insertResponse(db, w, {
    ...phone,
    nps: 9,
    csat: 4,
    ces: 5,
    feelingsAsked: true,
    comment: 'Quick and friendly staff',
    sentiment: 0.6,
    themes: ['speed', 'staff'],
    segment: 'gold',
    answeredAt: '2026-03-03T09:00:00Z',
  });
  await insertResponse(db, w, { ...phone, nps: 8, csat: 3, ces: 4, answeredAt: '2026-03-09T09:00:00Z' });
  await insertResponse(db, w, {
    ...phone,
    nps: 6,
    csat: 2,
    ces: 2,
    comment: 'Billing is a mess',
    sentiment: -0.7,
    themes: ['billing'],
    status: 'partial',
    answeredAt: '2026-03-10T09:00:00Z',
  });
  await insertResponse(db, w, {
    ...email,
    nps: 0,
    csat: 1,
    ces: 1,
    feelingsAsked: true,
    comment: 'Waited a week',
    sentiment: -0.9,
    themes: ['billing', 'waiting'],
    segment: 'silver',
    answeredAt: '2026-03-16T09:00:00Z',
  });
  await insertResponse(db, w, {
    ...email,
    productLine: w.lines.broadband,
    nps: 10,
    feelings: ['safe', 'cool'],
    comment: 'Lovely people',
    sentiment: 0.9,
    themes: ['staff'],
    answeredAt: '2026-03-17T09:00:00Z',
  });
  await insertResponse(db, w, { ...email, csat: 5, status: 'partial', answeredAt: '2026-03-18T23:59:59Z' });
  await insertResponse(db, w, { kind: 'relationship', nps: 3, segment: 'gold', answeredAt: '2026-03-05T09:00:00Z' });
  await insertResponse(db, w, { ...phone, nps: 10, answeredAt: '2026-04-01T00:00:00Z' });
  await insertResponse(db, w, { ...phone, nps: 0, answeredAt: '2026-02-28T23:59:59Z' });
  return w;
}

const get = async (tenant: TestTenant, url: string, status = 200) => {
  const response = await tenant.api({ method: 'GET', url: `/api/v1${url}` });
  expect(response.statusCode, response.body).toBe(status);
  return response.json();
};

describe('feedback metrics', () => {
  it('computes NPS with its margin of error, CSAT %, CES % agree and mean, elevated feelings and sentiment', async () => {
    const tenant = await createTenant(ctx.app);
    await march(tenant);
    const m = await get(tenant, '/feedback/metrics?from=2026-03-01&to=2026-03-31');
    expect(m.kind).toBe('interaction');
    // NPS: 6 scores, promoters 10, 9, 10; detractors 6, 0 → (3 − 2) / 6 = 16.7;
    // margin: p₊ = .5, p₋ = .333, variance .8056, 1.96·√(.8056/6)·100 = 71.8
    expect(m.total).toEqual({
      responses: 7,
      complete: 5,
      nps: { count: 6, promoters: 3, passives: 1, detractors: 2, score: 16.7, marginOfError: 71.8 },
      // 5, 4, 3, 2, 1, 5 → 3 of 6 are 4–5
      csat: { count: 6, satisfied: 3, percent: 50 },
      // 7, 5, 4, 2, 1 → 2 of 5 agree; mean 19 / 5
      ces: { count: 5, agree: 2, percentAgree: 40, mean: 3.8 },
      // asked: two chose feelings, two were asked and chose none
      elevatedFeelings: { asked: 4, named: 2, percent: 50 },
      // .8 + .6 − .7 − .9 + .9 = .7 over 5
      sentiment: { count: 5, mean: 0.14 },
    });
    const relationship = await get(tenant, '/feedback/metrics?from=2026-03-01&to=2026-03-31&kind=relationship');
    expect(relationship.total.responses).toBe(1);
    expect(relationship.total.nps).toMatchObject({ count: 1, score: -100, marginOfError: 0 });
  });

  it('breaks figures down by channel, agent, team, job, product line and segment, with labels', async () => {
    const tenant = await createTenant(ctx.app);
    await march(tenant);
    const by = async (dimension: string) => {
      const m = await get(tenant, `/feedback/metrics?from=2026-03-01&to=2026-03-31&by=${dimension}`);
      return Object.fromEntries(
        m.groups.map((g: { label: string; responses: number; nps: { score: number | null } }) => [g.label, [g.responses, g.nps.score]]),
      );
    };
    // phone: 10, 9, 8, 6 → (2 − 1) / 4; email: 0, 10 → 0
    expect(await by('channel')).toEqual({ phone: [4, 25], email: [3, 0] });
    expect(await by('agent')).toEqual({ 'Ann Agent': [4, 25], 'Bo Agent': [3, 0] });
    expect(await by('team')).toEqual({ Care: [4, 25], Billing: [3, 0] });
    expect(await by('job')).toEqual({ 'Replace SIM': [4, 25], 'Billing dispute': [3, 0] });
    expect(await by('product_line')).toEqual({ Mobile: [6, 0], Broadband: [1, 100] });
    expect(await by('segment')).toEqual({ None: [4, 0], gold: [2, 100], silver: [1, -100] });
    expect(await by('all')).toEqual({ All: [7, 16.7] });
  });

  it('gives a trend by day, week or month, for the whole or per value, and margin of error by hand', async () => {
    const tenant = await createTenant(ctx.app);
    await march(tenant);
    const weeks = await get(tenant, '/feedback/metrics?from=2026-03-01&to=2026-03-31&interval=week');
    expect(
      weeks.series.map((s: { period: string; responses: number; nps: { score: number } }) => [s.period, s.responses, s.nps.score]),
    ).toEqual([
      ['2026-03-02', 2, 100],
      ['2026-03-09', 2, -50],
      ['2026-03-16', 3, 0],
    ]);
    const days = await get(tenant, '/feedback/metrics?from=2026-03-01&to=2026-03-31&interval=day&by=channel&value=email');
    expect(days.series.map((s: { period: string; csat: { percent: number | null } }) => [s.period, s.csat.percent])).toEqual([
      ['2026-03-16', 0],
      ['2026-03-17', null],
      ['2026-03-18', 100],
    ]);
    const perChannel = await get(tenant, '/feedback/metrics?from=2026-01-01&to=2026-04-30&interval=month&by=channel&series=groups');
    expect(
      perChannel.series.map((s: { period: string; label: string; nps: { count: number } }) => `${s.period} ${s.label} ${s.nps.count}`),
    ).toEqual(['2026-02-01 phone 1', '2026-03-01 email 2', '2026-03-01 phone 4', '2026-04-01 phone 1']);
    // a period reaching over whole months reads month rows and ragged days alike
    const spanning = await get(tenant, '/feedback/metrics?from=2026-02-28&to=2026-04-01');
    expect(spanning.total.nps).toMatchObject({ count: 8, promoters: 4, detractors: 3 });

    // p₊ = .5, p₋ = .2: variance .7 − .09 = .61, 1.96·√(.61/100)·100 = 15.3
    expect(npsOf(100, 50, 20)).toEqual({ score: 30, marginOfError: 15.3 });
    expect(npsOf(4, 4, 0)).toEqual({ score: 100, marginOfError: 0 });
    expect(npsOf(0, 0, 0)).toEqual({ score: null, marginOfError: null });
  });

  it('lists themes with counts, mean sentiment and the latest quotes, for the whole or one value', async () => {
    const tenant = await createTenant(ctx.app);
    await march(tenant);
    const t = await get(tenant, '/feedback/themes?from=2026-03-01&to=2026-03-31');
    expect(t.responses).toBe(7);
    expect(
      t.data.map((x: { theme: string; count: number; percent: number; sentiment: { mean: number } }) => [
        x.theme,
        x.count,
        x.percent,
        x.sentiment.mean,
      ]),
    ).toEqual([
      ['billing', 2, 28.6, -0.8],
      ['speed', 2, 28.6, 0.7],
      ['staff', 2, 28.6, 0.75],
      ['waiting', 1, 14.3, -0.9],
    ]);
    expect(t.data[0].quotes.map((q: { comment: string }) => q.comment)).toEqual(['Waited a week', 'Billing is a mess']);
    const phone = await get(tenant, '/feedback/themes?from=2026-03-01&to=2026-03-31&by=channel&value=phone');
    expect(phone.data.map((x: { theme: string; count: number; quotes: unknown[] }) => [x.theme, x.count, x.quotes.length])).toEqual([
      ['speed', 2, 2],
      ['billing', 1, 1],
      ['staff', 1, 1],
    ]);
  });

  it('builds agent scorecards on customer feedback', async () => {
    const tenant = await createTenant(ctx.app);
    const w = await march(tenant);
    const s = await get(tenant, '/feedback/scorecards?from=2026-03-01&to=2026-03-31');
    expect(s.data.map((a: { agentId: string; name: string; responses: number }) => [a.agentId, a.name, a.responses])).toEqual([
      [w.agents.ann, 'Ann Agent', 4],
      [w.agents.bo, 'Bo Agent', 3],
    ]);
    expect(s.data[1]).toMatchObject({
      nps: { count: 2, score: 0 },
      csat: { count: 2, percent: 50 },
      ces: { count: 1, percentAgree: 0, mean: 1 },
      elevatedFeelings: { asked: 2, named: 1, percent: 50 },
    });
  });

  it('answers bad input with 400 naming the field, and lets only analysts, leads and admins read', async () => {
    const tenant = await createTenant(ctx.app);
    const bad = async (url: string, path: string) => {
      const body = await get(tenant, url, 400);
      expect(body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    };
    await bad('/feedback/metrics?from=2026-03-31&to=2026-03-01', '/to');
    await bad('/feedback/metrics?from=2026-03-01&to=2026-03-31&by=colour', '/by');
    await bad('/feedback/metrics?from=2026-03-01&to=2026-03-31&kind=nps', '/kind');
    await bad('/feedback/metrics?from=March&to=2026-03-31', '/from');
    await bad('/feedback/themes?from=2026-03-01&to=2026-03-31&limit=0', '/limit');
    await bad('/feedback/scorecards?to=2026-03-31', '/from');
    await bad('/feedback/scorecards?from=2020-01-01&to=2026-03-31', '/to');
    for (const [role, status] of [
      ['agent', 403],
      ['analyst', 200],
      ['lead', 200],
      ['admin', 200],
    ] as const) {
      const { cookie } = await tenant.signInAs(role);
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/feedback/scorecards?from=2026-03-01&to=2026-03-31',
        headers: { cookie },
      });
      expect(response.statusCode, role).toBe(status);
    }
  });
});
