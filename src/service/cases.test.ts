import { describe, expect, it } from 'vitest';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { sweepBreaches } from './breaches.js';
import { addPerson, call, createCustomer } from './service.test-helpers.js';

const ctx = useTestApp();

type CaseBody = Record<string, unknown> & {
  id: string;
  state: string;
  effort: { score: number; transfers: number; oneTouch: boolean; repeatContact: boolean; contacts: number; channelSwitches: number };
};

/** London office hours, Monday to Friday 09:00–17:00, Good Friday and Easter Monday off. */
async function londonPolicy(tenant: TestTenant) {
  return call<{ id: string }>(
    tenant,
    '/sla-policies',
    {
      name: 'UK office',
      timeZone: 'Europe/London',
      workingHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
      holidays: ['2026-04-03', '2026-04-06'],
      targets: [
        { firstResponseMinutes: 60, resolutionMinutes: 480 },
        { priority: 'urgent', firstResponseMinutes: 15, resolutionMinutes: 120 },
      ],
      isDefault: true,
    },
    201,
  );
}

describe('cases', () => {
  it('runs a case through assign, transfer, response, pending, resolve and close, timed in business hours', async () => {
    const tenant = await createTenant(ctx.app);
    await londonPolicy(tenant);
    const ann = await addPerson(ctx.app, tenant, 'agent');
    const bob = await addPerson(ctx.app, tenant, 'agent');
    const billing = await call<{ id: string }>(tenant, '/teams', { name: 'Billing', memberIds: [bob.userId] }, 201);
    const customer = await createCustomer(tenant, 'Dee Dispute');
    // Friday 27 March 2026, 16:30 GMT: half an hour before closing, the weekend the clocks go forward.
    const opened = await call<CaseBody>(
      tenant,
      '/cases',
      { customerId: customer, subject: 'Charged twice', channel: 'email', openedAt: '2026-03-27T16:30:00Z' },
      201,
    );
    expect(opened).toMatchObject({ state: 'open', firstResponseDueAt: '2026-03-30T08:30:00.000Z' });
    // 480 business minutes: 30 on Friday, 7h30 on Monday (09:00–16:30 BST).
    expect(opened.resolutionDueAt).toBe('2026-03-30T15:30:00.000Z');

    const assigned = await call<CaseBody>(tenant, `/cases/${opened.id}/assign`, { agentId: ann.userId, at: '2026-03-27T16:40:00Z' }, 200);
    expect(assigned.state).toBe('assigned');
    const moved = await call<CaseBody>(
      tenant,
      `/cases/${opened.id}/assign`,
      { agentId: bob.userId, teamId: billing.id, at: '2026-03-27T16:45:00Z' },
      200,
    );
    expect(moved).toMatchObject({ state: 'assigned', agentId: bob.userId, teamId: billing.id });
    expect(moved.effort.transfers).toBe(1);

    // Bob answers by email on Monday at 09:15 BST.
    await call(
      tenant,
      '/interactions',
      {
        customerId: customer,
        caseId: opened.id,
        channel: 'email',
        direction: 'outbound',
        agentId: bob.userId,
        startedAt: '2026-03-30T08:15:00Z',
      },
      201,
    );
    const responded = await call<CaseBody>(tenant, `/cases/${opened.id}`, undefined, 200);
    expect(responded).toMatchObject({ state: 'responded', firstRespondedAt: '2026-03-30T08:15:00.000Z', firstResponseSeconds: 45 * 60 });

    await call(tenant, `/cases/${opened.id}/pending`, { at: '2026-03-30T09:00:00Z' }, 200);
    // Back from pending after an hour: that hour is not counted and the resolution due moves on by it.
    await call(tenant, `/cases/${opened.id}/respond`, { at: '2026-03-30T10:00:00Z' }, 200);
    const resolved = await call<CaseBody>(tenant, `/cases/${opened.id}/resolve`, { at: '2026-03-30T11:00:00Z' }, 200);
    // 30 min on Friday + 09:00–12:00 BST on Monday, less the hour pending. The 6h30 left at the
    // pause run from 11:00 BST: 6h on Monday, 30 min on Tuesday.
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolutionSeconds: 30 * 60 + 2 * 3600,
      resolutionDueAt: '2026-03-31T08:30:00.000Z',
    });

    const closed = await call<CaseBody>(tenant, `/cases/${opened.id}/close`, {}, 200);
    expect(closed.state).toBe('closed');
    const forbidden = await tenant.api({ method: 'POST', url: `/api/v1/cases/${opened.id}/reopen`, payload: {} });
    expect(forbidden.statusCode).toBe(409);
    expect(forbidden.json().error).toMatchObject({ code: 'conflict', currentState: 'closed' });

    const detail = await call<{ events: Array<{ kind: string }>; interactions: unknown[] }>(tenant, `/cases/${opened.id}`, undefined, 200);
    expect(detail.events.map((e) => e.kind)).toEqual([
      'opened',
      'assigned',
      'transferred',
      'responded',
      'pending',
      'responded',
      'resolved',
      'closed',
    ]);
    expect(detail.interactions).toHaveLength(1);
  });

  it('answers a forbidden move with 409 and the current state, and a time before opening with 400', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Fay Forbidden');
    const opened = await call<CaseBody>(
      tenant,
      '/cases',
      { customerId: customer, subject: 'Plan', channel: 'chat', openedAt: '2026-03-02T10:00:00Z' },
      201,
    );
    const pending = await tenant.api({ method: 'POST', url: `/api/v1/cases/${opened.id}/pending`, payload: {} });
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error).toMatchObject({ currentState: 'open', allowedActions: ['assign', 'respond', 'resolve'] });
    const early = await tenant.api({ method: 'POST', url: `/api/v1/cases/${opened.id}/resolve`, payload: { at: '2026-03-01T10:00:00Z' } });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.issues[0]).toMatchObject({ path: '/at' });
    expect((await call<CaseBody>(tenant, `/cases/${opened.id}`, undefined, 200)).state).toBe('open');
  });

  it('records a breach when the due instant passes, once, however often the sweep runs', async () => {
    const tenant = await createTenant(ctx.app);
    await londonPolicy(tenant);
    const customer = await createCustomer(tenant, 'Una Urgent');
    const opened = await call<CaseBody>(
      tenant,
      '/cases',
      { customerId: customer, subject: 'No signal', channel: 'phone', priority: 'urgent', openedAt: '2026-04-02T14:30:00Z' },
      201,
    );
    expect(opened.firstResponseDueAt).toBe('2026-04-02T14:45:00.000Z');
    const db = ctx.database.db;
    const before = await sweepBreaches(db, new Date('2026-04-02T14:44:59Z'));
    expect(before.firstResponse).toBe(0);
    await sweepBreaches(db, new Date('2026-04-02T14:45:01Z'));
    await sweepBreaches(db, new Date('2026-04-02T14:50:00Z'));
    const detail = await call<CaseBody & { events: Array<{ kind: string; occurredAt: string; data: { target: string } }> }>(
      tenant,
      `/cases/${opened.id}`,
      undefined,
      200,
    );
    const breaches = detail.events.filter((e) => e.kind === 'breached');
    expect(breaches).toEqual([
      expect.objectContaining({ occurredAt: '2026-04-02T14:45:00.000Z', data: expect.objectContaining({ target: 'first_response' }) }),
    ]);
    expect(detail.firstResponseBreachedAt).toBe('2026-04-02T14:45:00.000Z');
    // Resolution: 120 business minutes from Thursday 15:30 BST run 90 to closing, then over Easter to Tuesday 09:30 BST.
    expect(detail.resolutionDueAt).toBe('2026-04-07T08:30:00.000Z');
    expect((await sweepBreaches(db, new Date('2026-04-06T12:00:00Z'))).resolution).toBe(0);
    expect((await sweepBreaches(db, new Date('2026-04-07T09:00:00Z'))).resolution).toBe(1);
  });

  it('gives agents their inbox: theirs, their team’s and those about to breach', async () => {
    const tenant = await createTenant(ctx.app);
    await londonPolicy(tenant);
    const ann = await addPerson(ctx.app, tenant, 'agent');
    const bob = await addPerson(ctx.app, tenant, 'agent');
    const team = await call<{ id: string }>(tenant, '/teams', { name: 'Care', memberIds: [ann.userId, bob.userId] }, 201);
    const customer = await createCustomer(tenant, 'Ivy Inbox');
    const open = (subject: string, extra: object) =>
      call<CaseBody>(
        tenant,
        '/cases',
        { customerId: customer, subject, channel: 'chat', openedAt: new Date(Date.now() - 3600_000).toISOString(), ...extra },
        201,
      );
    const mine = await open('Mine', { agentId: ann.userId, teamId: team.id });
    const teams = await open('Team', { agentId: bob.userId, teamId: team.id });
    await open('Nobody', {});
    const ids = async (view: string) =>
      (await call<{ data: CaseBody[] }>(tenant, `/cases?view=${view}`, undefined, 200, ann)).data.map((c) => c.subject).sort();
    expect(await ids('mine')).toEqual([mine.subject]);
    expect(await ids('team')).toEqual([mine.subject, teams.subject].sort());
    const breaching = await ids('breaching&withinMinutes=10080');
    expect(breaching).toEqual(['Mine', 'Nobody', 'Team']);
  });

  it('measures effort: contacts, channel switches, reopening and a repeat contact within 7 days', async () => {
    const tenant = await createTenant(ctx.app);
    const job = await call<{ id: string }>(tenant, '/jobs', { code: 'billing-dispute', name: 'Billing dispute' }, 201);
    const customer = await createCustomer(tenant, 'Rae Repeat');
    const opened = await call<CaseBody>(
      tenant,
      '/cases',
      { customerId: customer, subject: 'Wrong bill', channel: 'phone', jobId: 'billing-dispute', openedAt: '2026-03-02T10:00:00Z' },
      201,
    );
    const contact = (channel: string, direction: string, startedAt: string, caseId: string | null = opened.id) =>
      call(tenant, '/interactions', { customerId: customer, caseId, channel, direction, jobId: job.id, startedAt }, 201);
    await contact('phone', 'inbound', '2026-03-02T10:00:00Z');
    await contact('email', 'outbound', '2026-03-02T12:00:00Z');
    await call(tenant, `/cases/${opened.id}/resolve`, { at: '2026-03-03T10:00:00Z' }, 200);
    // The customer writes in again three days later: the case reopens and counts as a repeat contact.
    await contact('chat', 'inbound', '2026-03-06T10:00:00Z');
    const detail = await call<CaseBody>(tenant, `/cases/${opened.id}`, undefined, 200);
    expect(detail.state).toBe('reopened');
    expect(detail.effort).toMatchObject({ contacts: 3, channelSwitches: 2, repeatContact: true, oneTouch: false, reopens: 1 });
    // 2 extra contacts + 2 switches + 2 for the reopen + 2 for the repeat contact.
    expect(detail.effort.score).toBe(8);

    const quick = await call<CaseBody>(
      tenant,
      '/cases',
      { customerId: customer, subject: 'SIM', channel: 'web', openedAt: '2026-03-10T09:00:00Z' },
      201,
    );
    await call(
      tenant,
      '/interactions',
      { customerId: customer, caseId: quick.id, channel: 'web', direction: 'inbound', startedAt: '2026-03-10T09:00:00Z' },
      201,
    );
    const done = await call<CaseBody>(tenant, `/cases/${quick.id}/resolve`, { at: '2026-03-10T09:04:00Z' }, 200);
    expect(done.effort).toMatchObject({ score: 0, oneTouch: true });
  });

  it('flags a complaint with a category and keeps it in the history', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await createCustomer(tenant, 'Cal Complaint');
    const opened = await call<CaseBody>(tenant, '/cases', { customerId: customer, subject: 'Rude', channel: 'store' }, 201);
    const flagged = await call<CaseBody>(tenant, `/cases/${opened.id}/complaint`, { complaint: true, category: 'staff' }, 200);
    expect(flagged).toMatchObject({ complaint: true, complaintCategory: 'staff' });
    const timeline = await call<{ data: Array<{ kind: string; data: { complaint: boolean } }> }>(
      tenant,
      `/customers/${customer}/timeline?kinds=case`,
      undefined,
      200,
    );
    expect(timeline.data[0]).toMatchObject({ kind: 'case', data: { complaint: true } });
  });
});
