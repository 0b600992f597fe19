import { describe, expect, it } from 'vitest';
import { createTenant } from '../test/app.js';
import { useTestApp } from '../test/app.js';
import { recordInteraction } from './interactions.js';
import { addPerson, call, createCustomer } from './service.test-helpers.js';

const ctx = useTestApp();

describe('interactions', () => {
  it('records an interaction with its agent, team, job and product line, and shows it on the timeline', async () => {
    const tenant = await createTenant(ctx.app);
    const agent = await addPerson(ctx.app, tenant, 'agent');
    const customer = await createCustomer(tenant, 'Sam Sim');
    const team = await call<{ id: string }>(tenant, '/teams', { name: 'Mobile care', memberIds: [agent.userId] }, 201);
    const job = await call<{ id: string }>(tenant, '/jobs', { code: 'replace-lost-sim', name: 'Replace lost SIM' }, 201);
    const line = await call<{ id: string }>(tenant, '/product-lines', { code: 'mobile', name: 'Mobile' }, 201);

    const interaction = await call<Record<string, unknown>>(
      tenant,
      '/interactions',
      {
        customerId: customer,
        channel: 'web',
        direction: 'inbound',
        agentId: agent.userId,
        teamId: team.id,
        jobId: 'replace-lost-sim',
        productLineId: 'mobile',
        startedAt: '2026-03-02T10:00:00Z',
        endedAt: '2026-03-02T10:04:00Z',
        outcome: 'resolved',
        note: 'New SIM posted',
      },
      201,
    );
    expect(interaction).toMatchObject({ jobId: job.id, productLineId: line.id, teamId: team.id, agentId: agent.userId, channel: 'web' });
    expect(String(interaction.id)).toMatch(/^int_/);

    const timeline = await call<{ data: Array<{ kind: string; action: string; data: Record<string, unknown> }> }>(
      tenant,
      `/customers/${customer}/timeline?kinds=interaction`,
      undefined,
      200,
    );
    expect(timeline.data).toHaveLength(1);
    expect(timeline.data[0]).toMatchObject({
      kind: 'interaction',
      action: 'inbound',
      data: { channel: 'web', jobName: 'Replace lost SIM' },
    });
  });

  it('rejects an end before the start with the reason and field, and names every bad reference at once', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Olly Order');
    const response = await tenant.api({
      method: 'POST',
      url: '/api/v1/interactions',
      payload: {
        customerId: customer,
        channel: 'phone',
        direction: 'inbound',
        startedAt: '2026-03-02T10:00:00Z',
        endedAt: '2026-03-02T09:00:00Z',
        jobId: 'no-such-job',
        teamId: 'tm_nothere',
      },
    });
    expect(response.statusCode).toBe(400);
    const issues = response.json().error.issues.map((i: { path: string }) => i.path);
    expect(issues).toEqual(['/endedAt', '/teamId', '/jobId']);
    expect(response.json().error.message).toContain('must not be before startedAt');
    const listed = await call<{ data: unknown[] }>(tenant, `/interactions?customerId=${customer}`, undefined, 200);
    expect(listed.data).toHaveLength(0);
  });

  it('records in bulk with errors by row index, keeping the good rows, and ignores a resent externalId', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Bea Bulk');
    const row = (i: number) => ({
      customerId: customer,
      channel: 'email',
      direction: 'inbound',
      startedAt: `2026-03-0${i + 1}T10:00:00Z`,
      source: 'helpdesk',
      externalId: `t-${i}`,
    });
    const result = await call<{
      recorded: number;
      failed: number;
      results: Array<{ index: number; error?: { issues?: Array<{ path: string }> } }>;
    }>(tenant, '/interactions/bulk', { interactions: [row(0), { ...row(1), endedAt: '2026-03-01T00:00:00Z' }, row(2), row(0)] }, 200);
    expect(result.recorded).toBe(3);
    expect(result.failed).toBe(1);
    expect(result.results[1]?.error?.issues?.[0]?.path).toBe('/interactions/1/endedAt');
    const listed = await call<{ data: Array<{ externalId: string }> }>(tenant, `/interactions?customerId=${customer}`, undefined, 200);
    expect(listed.data.map((i) => i.externalId)).toEqual(['t-2', 't-0']);
  });

  it('is callable as a service function, as ingestion does, and follows a merged customer id', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Ina Ingest');
    const { interaction, created } = await recordInteraction(ctx.database.db, tenant.workspace.id, {
      customerId: customer,
      channel: 'app',
      direction: 'inbound',
      startedAt: '2026-03-05T08:00:00Z',
    });
    expect(created).toBe(true);
    expect(interaction.customerId).toBe(customer);
    const other = await createTenant(ctx.app);
    await expect(
      recordInteraction(ctx.database.db, other.workspace.id, {
        customerId: customer,
        channel: 'app',
        direction: 'inbound',
        startedAt: '2026-03-05T08:00:00Z',
      }),
    ).rejects.toThrow(/customerId/);
  });

  it('moves with a merge, is exported, and loses its notes when the customer is erased', async () => {
    const tenant = await createTenant(ctx.app);
    const kept = await createCustomer(tenant, 'Mo Merge');
    const gone = await createCustomer(tenant, 'Mo Merge (duplicate)');
    const opened = await call<{ id: string }>(tenant, '/cases', { customerId: gone, subject: 'Mo cannot log in', channel: 'chat' }, 201);
    await call(
      tenant,
      '/interactions',
      {
        customerId: gone,
        caseId: opened.id,
        channel: 'chat',
        direction: 'inbound',
        startedAt: '2026-03-02T10:00:00Z',
        note: 'Mo lives at 1 High St',
      },
      201,
    );
    const merged = await tenant.api({ method: 'POST', url: `/api/v1/customers/${kept}/merge`, payload: { otherId: gone } });
    expect(merged.statusCode, merged.body).toBe(200);
    const survivor = merged.json().survivorId as string;
    const listed = await call<{ data: Array<{ customerId: string }> }>(tenant, `/interactions?customerId=${survivor}`, undefined, 200);
    expect(listed.data.map((i) => i.customerId)).toEqual([survivor]);
    expect((await call<{ customerId: string }>(tenant, `/cases/${opened.id}`, undefined, 200)).customerId).toBe(survivor);

    const exported = await call<{ data: Record<string, Array<Record<string, unknown>>> }>(tenant, `/customers/${survivor}/export`, {}, 200);
    expect(exported.data.interactions?.[0]?.note).toBe('Mo lives at 1 High St');
    expect(exported.data.cases).toHaveLength(1);
    const erased = await tenant.api({ method: 'POST', url: `/api/v1/customers/${survivor}/erase`, payload: {} });
    expect(erased.statusCode, erased.body).toBe(200);
    const row = await ctx.database.db
      .selectFrom('interactions')
      .select('note')
      .where('workspace_id', '=', tenant.workspace.id)
      .executeTakeFirstOrThrow();
    expect(row.note).toBeNull();
    const caseRow = await ctx.database.db.selectFrom('cases').select('subject').where('id', '=', opened.id).executeTakeFirstOrThrow();
    expect(caseRow.subject).toBe('Erased');
  });
});
