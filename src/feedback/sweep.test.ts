import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { call } from '../service/service.test-helpers.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { insertMessageCustomer } from '../test/messages.js';
import { sampled } from './invitations.js';
import { runSurveySweep } from './sweep.js';
import { createSurvey, NPS_SURVEY, surveyableCustomer } from './feedback.test-helpers.js';

const ctx = useTestApp();
const config = loadConfig({ LOG_LEVEL: 'silent' });
const db = () => ctx.app.database.db;

async function interaction(tenant: TestTenant, customerId: string, channel: string, at = new Date()) {
  return call<{ id: string }>(tenant, '/interactions', { customerId, channel, direction: 'inbound', startedAt: at.toISOString() }, 201);
}

const invitationsOf = (workspaceId: string) =>
  db().selectFrom('survey_invitations').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();

describe('survey triggers', () => {
  it('invites after interactions on the chosen channels, once, within the contact-frequency rule and consent', async () => {
    const tenant = await createTenant(ctx.app);
    const ann = await surveyableCustomer(ctx.app, tenant, 'Ann Phone');
    const bob = await surveyableCustomer(ctx.app, tenant, 'Bob Email');
    const cat = await insertMessageCustomer(db(), tenant.workspace.id, { displayName: 'Cat Noconsent', email: 'cat@example.com' });
    await interaction(tenant, ann, 'phone', new Date(Date.now() - 86_400_000)); // before the survey went live
    await createSurvey(tenant, { ...NPS_SURVEY, status: 'active', trigger: { events: ['interaction'], channels: ['phone', 'chat'] } });
    await interaction(tenant, ann, 'phone');
    await interaction(tenant, ann, 'chat');
    await interaction(tenant, bob, 'email');
    await interaction(tenant, cat, 'phone');

    const now = new Date(Date.now() + 60_000);
    const first = await runSurveySweep(db(), config, { now });
    const rows = await invitationsOf(tenant.workspace.id);
    expect(rows.map((r) => [r.customer_id, r.status, r.reason])).toEqual(
      expect.arrayContaining([
        [ann, 'sent', null],
        [ann, 'skipped', 'contact_frequency'],
        [cat, 'suppressed', 'no_surveys_consent'],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    const message = await db()
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', rows.find((r) => r.status === 'sent')?.message_id as string)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ purpose: 'survey', status: 'queued', channel: 'email' });
    expect(message.body).toMatch(/\/s\/ws_/);

    // A rerun, even after the lease, invites nobody again.
    await runSurveySweep(db(), config, { now: new Date(now.getTime() + 120_000) });
    expect(await invitationsOf(tenant.workspace.id)).toHaveLength(3);
  });

  it('invites after a case is resolved, but not for follow-up cases', async () => {
    const tenant = await createTenant(ctx.app);
    const dee = await surveyableCustomer(ctx.app, tenant, 'Dee Case');
    await createSurvey(tenant, { ...NPS_SURVEY, name: 'After your case', status: 'active', trigger: { events: ['case_resolved'] } });
    const opened = await call<{ id: string }>(tenant, '/cases', { customerId: dee, subject: 'Router broken', channel: 'email' }, 201);
    await runSurveySweep(db(), config, { now: new Date(Date.now() + 60_000) });
    expect(await invitationsOf(tenant.workspace.id)).toHaveLength(0);
    await call(tenant, `/cases/${opened.id}/resolve`, { note: 'Replaced' }, 200);
    await runSurveySweep(db(), config, { now: new Date(Date.now() + 120_000) });
    const rows = await invitationsOf(tenant.workspace.id);
    expect(rows.map((r) => [r.case_id, r.status])).toEqual([[opened.id, 'sent']]);
  });

  it('asks every customer once per relationship cadence period', async () => {
    const tenant = await createTenant(ctx.app);
    const eve = await surveyableCustomer(ctx.app, tenant, 'Eve Loyal');
    const fay = await surveyableCustomer(ctx.app, tenant, 'Fay Loyal');
    await createSurvey(tenant, { ...NPS_SURVEY, name: 'Quarterly', kind: 'relationship', status: 'active', trigger: { cadenceDays: 90 } });
    const start = Date.now() + 60_000;
    await runSurveySweep(db(), config, { now: new Date(start) });
    await runSurveySweep(db(), config, { now: new Date(start + 10 * 86_400_000) });
    let rows = await invitationsOf(tenant.workspace.id);
    expect(rows.map((r) => r.customer_id).sort()).toEqual([eve, fay].sort());
    await runSurveySweep(db(), config, { now: new Date(start + 91 * 86_400_000) });
    rows = await invitationsOf(tenant.workspace.id);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('samples deterministically per subject, near the rate', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => `int:int_${i}`);
    const chosen = keys.filter((k) => sampled('srv_x', k, 0.25));
    expect(chosen.length / keys.length).toBeGreaterThan(0.22);
    expect(chosen.length / keys.length).toBeLessThan(0.28);
    expect(keys.filter((k) => sampled('srv_x', k, 0.25))).toEqual(chosen);
    expect(keys.every((k) => sampled('srv_x', k, 1))).toBe(true);
  });
});
